/** Every client library of the matrix, in the order of its rows. */
import type { Driver } from '../driver.ts';
import { openaiChat } from './openai-chat.ts';
import { openaiResponses } from './openai-responses.ts';
import { anthropicSdk } from './anthropic-sdk.ts';
import { aiSdkAnthropic, aiSdkOpenaiChat, aiSdkOpenaiCompatible, aiSdkOpenaiResponses } from './ai-sdk.ts';
import { langchainAnthropic, langchainOpenai, langchainOpenaiResponses } from './langchain.ts';

export const DRIVERS: readonly Driver[] = [
  openaiChat,
  openaiResponses,
  anthropicSdk,
  aiSdkOpenaiResponses,
  aiSdkOpenaiChat,
  aiSdkAnthropic,
  aiSdkOpenaiCompatible,
  langchainOpenai,
  langchainOpenaiResponses,
  langchainAnthropic,
];
