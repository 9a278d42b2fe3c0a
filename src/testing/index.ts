/**
 * `llm-gateway/testing`: how a plugin or provider adapter is tested outside this repository
 * (and in plugins/ here). Two levels, both on the engine's real code:
 * - `startPluginHarness` runs the plugin in a real gateway (the engine's `startGateway`)
 *   in front of a scripted OpenAI-compatible upstream, and posts chats to it;
 * - `createInstance` + `fakeContext` + `runHook` call one hook of one instance.
 *
 * @example
 *   import { startPluginHarness } from 'llm-gateway/testing';
 *   const h = await startPluginHarness({ plugin, config: { header: 'x-team', value: 'search' } });
 *   (await h.chat()).headers.get('x-team') // 'search'
 *   await h.close();
 */
export { startPluginHarness, TEST_MODEL, type HarnessOptions, type PluginHarness, type PipelineItem, type AnyPluginDefinition } from './harness.ts';
export { startScriptedUpstream, ECHO, type ScriptedUpstream, type UpstreamReply, type UpstreamRequest, type UpstreamScript } from './upstream.ts';
export { postChat, postStream, metricValue, type ChatResult, type StreamResult, type ErrorBody, type RequestInit } from './client.ts';
export { fakeContext, fakeDeployment, fakeAttempt, type FakeContextInit } from './fakes.ts';
export { createInstance, runHook, type PluginUnderTest, type InstanceOptions, type HookPhase, type HookArgs, type HookResult } from './instance.ts';
