/**
 * The matching core without a gateway: the built-in detectors (what they take and what
 * they leave), keyword and regex rules, the rule index, and the stream window split at
 * every position.
 */
import assert from 'node:assert/strict';
import { luhn, piiMatchers, type PiiType } from '../../../src/plugins-builtin/content-filter/detectors.ts';
import { compileRules, rulesFor, type RuleConfig, type RuleSet } from '../../../src/plugins-builtin/content-filter/rules.ts';
import { scanText, Tally } from '../../../src/plugins-builtin/content-filter/scan.ts';
import { ChoiceWindow } from '../../../src/plugins-builtin/content-filter/stream.ts';
import { ResponseState } from '../../../src/plugins-builtin/content-filter/response.ts';
import type { ChatCompletionChunk } from '../../../src/engine/openai-types.ts';

/** What a `pii: [type]` rule finds in `text`. */
function found(type: PiiType, text: string): string[] {
  const out: string[] = [];
  for (const m of piiMatchers([type])) {
    for (const r of text.matchAll(m.re)) if (!m.valid || m.valid(r[0])) out.push(r[0]);
  }
  return out;
}

const rule = (r: Partial<RuleConfig> & { name: string }): RuleConfig => ({ action: 'redact', direction: 'request', ...r });
const setOf = (rules: RuleConfig[]): RuleSet => compileRules(rules).chat.request.any!;

describe('content-filter matching', () => {
  describe('pii detectors', () => {
    it('email', () => {
      assert.deepEqual(found('email', 'write to jane.doe+x@mail.example.co.uk, or bob@ex.io.'), ['jane.doe+x@mail.example.co.uk', 'bob@ex.io']);
      assert.deepEqual(found('email', 'user@localhost, @handle, a@b, x@y.z'), []);
    });

    it('phone: formatted NANP and +international, not bare digit runs', () => {
      assert.deepEqual(found('phone', 'call (415) 555-2671 or 415.555.2671 or +1 415-555-2671'), [
        '(415) 555-2671',
        '415.555.2671',
        '+1 415-555-2671',
        '+1 415-555-2671',
      ]);
      assert.deepEqual(found('phone', 'London +44 20 7946 0958'), ['+44 20 7946 0958']);
      assert.deepEqual(found('phone', 'order 4155552671 at ts 1732650000, v1.2.3'), []);
    });

    it('credit_card: 13-19 digits that pass Luhn, grouped or not', () => {
      assert.equal(luhn('4111111111111111'), true);
      assert.equal(luhn('4111111111111112'), false);
      assert.deepEqual(found('credit_card', 'card 4111 1111 1111 1111 exp, amex 3782-822463-10005, id 4111111111111112'), [
        '4111 1111 1111 1111',
        '3782-822463-10005',
      ]);
      assert.deepEqual(found('credit_card', 'phone 415-555-2671, 12 digits 123456789012'), []);
    });

    it('us_ssn: dashed or spaced, never-issued numbers left alone', () => {
      assert.deepEqual(found('us_ssn', 'ssn 123-45-6789 or 123 45 6789'), ['123-45-6789', '123 45 6789']);
      assert.deepEqual(found('us_ssn', '000-12-3456 666-12-3456 912-34-5678 123-00-4567 123-45-0000 123456789 123-45 6789 1123-45-6789'), []);
    });

    it('ipv4', () => {
      assert.deepEqual(found('ipv4', 'hosts 10.0.0.1, 192.168.255.254.'), ['10.0.0.1', '192.168.255.254']);
      assert.deepEqual(found('ipv4', '256.1.1.1 1.2.3 1.2.3.4.5'), []);
    });

    it('secret: API-key-like tokens', () => {
      const keys = [
        'sk-proj-' + 'A1b2C3d4'.repeat(6),
        'sk-ant-api03-' + 'x'.repeat(40),
        'sk_live_' + 'a'.repeat(24),
        'AKIAIOSFODNN7EXAMPLE',
        'ghp_' + 'a'.repeat(36),
        'github_pat_' + 'B'.repeat(30),
        'xoxb-1234567890-abcdef',
        'AIza' + 'S'.repeat(35),
        'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
        '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
      ];
      for (const k of keys) assert.deepEqual(found('secret', `key: ${k} end`), [k], k);
      // A PEM key cut short (or still streaming) is covered from its header.
      assert.deepEqual(found('secret', 'pem -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B!'), [
        '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B',
      ]);
      assert.deepEqual(found('secret', 'task-list, sk-short, AKIA1234, ghp_tooshort, risk-management-framework-document'), []);
    });

    it('stays linear on adversarial input (no catastrophic backtracking)', () => {
      // Inputs that make naive patterns backtrack: long runs of what a token is made of,
      // never completed. ~200k characters each; a generous bound, not a benchmark.
      const inputs = [
        'a'.repeat(200_000),
        'a.'.repeat(100_000),
        '1 '.repeat(100_000),
        '1-'.repeat(100_000),
        'sk-'.repeat(66_000),
        '-----BEGIN PRIVATE KEY-----'.repeat(7_000),
        `-----BEGIN PRIVATE KEY-----${'A'.repeat(200_000)}`,
      ];
      const all = piiMatchers(['email', 'phone', 'credit_card', 'us_ssn', 'ipv4', 'secret']);
      for (const text of inputs) {
        const t0 = performance.now();
        for (const m of all) {
          m.re.lastIndex = 0;
          while (m.re.exec(text)) {
            /* drain */
          }
        }
        const ms = performance.now() - t0;
        assert.ok(ms < 500, `${text.slice(0, 12)}…: ${ms.toFixed(0)} ms`); // ~2 ms each when linear
      }
    });
  });

  describe('rules', () => {
    it('keywords match whole words only, ignoring case, across any whitespace', () => {
      const set = setOf([rule({ name: 'kw', keywords: ['acme', 'Project X'] })]);
      const t = new Tally();
      assert.equal(scanText(set, 'ACME and project\n x; acmes, xacme, café-acme_1', 1e6, t), '[REDACTED:kw] and [REDACTED:kw]; acmes, xacme, café-acme_1');
      assert.equal(t.counts.get(set.redact[0]!), 2);
    });

    it('regex flags apply; a block anywhere wins over redactions; overlapping redactions merge', () => {
      const set = setOf([
        rule({ name: 'digits', regex: { pattern: '\\d{3,}', flags: '' } }),
        rule({ name: 'card', pii: ['credit_card'] }),
        rule({ name: 'stop', action: 'block', regex: { pattern: 'forbidden', flags: 'i' } }),
      ]);
      const t = new Tally();
      // `digits` finds 4111, 1111…, `card` the whole number: one span, labelled by the first rule.
      assert.equal(scanText(set, 'pay 4111 1111 1111 1111 now', 1e6, t), 'pay [REDACTED:digits] now');
      assert.equal(scanText(set, 'pay 12 and 4111 1111 1111 1111', 1e6, t), 'pay 12 and [REDACTED:digits]');
      assert.equal((scanText(set, 'pay 1234 FORBIDDEN', 1e6, t) as { name: string }).name, 'stop');
    });

    it('a rule limited to models applies only to them; endpoints and directions index the rest', () => {
      const index = compileRules([
        rule({ name: 'only-big', models: ['big'], keywords: ['x'] }),
        rule({ name: 'answers', direction: 'response', endpoints: ['messages'], keywords: ['y'] }),
        rule({ name: 'both', direction: 'both', action: 'log', keywords: ['z'] }),
      ]);
      assert.deepEqual(rulesFor(index.chat.request, 'small')!.redact, []);
      assert.deepEqual(
        rulesFor(index.chat.request, undefined)!.log.map((r) => r.name),
        ['both'],
      );
      assert.deepEqual(
        rulesFor(index.chat.request, 'big')!.redact.map((r) => r.name),
        ['only-big'],
      );
      assert.equal(rulesFor(compileRules([rule({ name: 'solo', models: ['big'], keywords: ['x'] })]).chat.request, 'small'), null);
      assert.deepEqual(
        rulesFor(index.chat.response, 'big')!.log.map((r) => r.name),
        ['both'],
      );
      assert.equal(rulesFor(index.chat.response, 'small')!.redact.length, 0);
      assert.deepEqual(
        rulesFor(index.messages.response, 'small')!.redact.map((r) => r.name),
        ['answers'],
      );
      assert.equal(index.embeddings.response.any, null);
      assert.equal(compileRules([rule({ name: 'r', direction: 'response', keywords: ['q'] })]).embeddings.request.any, null);
    });

    it('refuses a bad regex, an empty-matching one and duplicate names, naming the rule', () => {
      assert.throws(
        () => compileRules([rule({ name: 'ok', keywords: ['a'] }), rule({ name: 'bad', regex: { pattern: '(unclosed', flags: '' } })]),
        /rules\[1\] "bad": regex.pattern is not a valid regular expression/,
      );
      // Valid without flags, invalid under `u`: only compiling with the flags catches it.
      assert.throws(() => compileRules([rule({ name: 'uni', regex: { pattern: '\\-', flags: 'u' } })]), /rules\[0\] "uni": .*flags "u"/);
      assert.throws(
        () => compileRules([rule({ name: 'empty', regex: { pattern: 'a*', flags: '' } })]),
        /rules\[0\] "empty": regex.pattern matches the empty string/,
      );
      assert.throws(
        () => compileRules([rule({ name: 'd', keywords: ['a'] }), rule({ name: 'd', keywords: ['b'] })]),
        /rules\[1\] "d": another rule has this name/,
      );
    });
  });

  describe('stream window', () => {
    /** Feeds `text` in pieces cut at `cuts`, then the final (empty) piece. */
    function run(set: RuleSet, text: string, cuts: number[], window = 32): { sent: string[]; blocked?: string } {
      const w = new ChoiceWindow(set, window, 1e6);
      const t = new Tally();
      const sent: string[] = [];
      let at = 0;
      for (const c of [...cuts, text.length]) {
        const r = w.push(text.slice(at, c), c === text.length, t);
        if (typeof r !== 'string') return { sent, blocked: r.name };
        sent.push(r);
        at = c;
      }
      return { sent };
    }

    const text = 'mail me at jane.doe@example.com or call. Key sk-abcdefghijklmnopqrstuvwx ends here';
    const set = setOf([rule({ name: 'pii', pii: ['email', 'secret'] })]);
    const expected = 'mail me at [REDACTED:pii] or call. Key [REDACTED:pii] ends here';

    it('redacts a match split at any position, and sends the same text as an unsplit scan', () => {
      assert.equal(scanText(set, text, 1e6, new Tally()), expected);
      for (let a = 1; a < text.length; a++) {
        for (const b of [a + 1, a + 5, a + 17]) {
          const cuts = b < text.length ? [a, b] : [a];
          assert.equal(run(set, text, cuts).sent.join(''), expected, `cut at ${cuts}`);
        }
      }
    });

    it('holds back no more than the window (plus a match still growing)', () => {
      const words = 'one two three four five six seven eight nine ten eleven twelve'.split(/(?<= )/);
      const w = new ChoiceWindow(set, 32, 1e6);
      let sent = 0;
      let seen = 0;
      for (const piece of words) {
        seen += piece.length;
        sent += (w.push(piece, false, new Tally()) as string).length;
        assert.ok(seen - sent <= 32, `held ${seen - sent}`);
      }
    });

    it('a token longer than the window is held until it ends, then redacted whole', () => {
      const long = `key sk-proj-${'Ab3'.repeat(50)} done`;
      const cuts = Array.from({ length: Math.floor(long.length / 10) }, (_, i) => (i + 1) * 10).filter((c) => c < long.length);
      assert.equal(run(set, long, cuts).sent.join(''), 'key [REDACTED:pii] done');
    });

    it('blocks a split match before any of it is sent', () => {
      const block = setOf([rule({ name: 'no-keys', action: 'block', pii: ['secret'] })]);
      for (let a = 1; a < text.length; a += 3) {
        const r = run(block, text, [a]);
        assert.equal(r.blocked, 'no-keys', `cut at ${a}`);
        assert.ok(!r.sent.join('').includes('sk-'), `cut at ${a}: ${r.sent.join('')}`);
      }
    });

    it('a match longer than the window: its start may have gone out, the rest is still redacted', () => {
      // The email needs 20 characters to be recognisable; with an 8-character window its
      // first characters are sent before it is.
      const out = run(set, text, [11, 14, 17, 20, 23, 26, 29, 32], 8).sent.join('');
      assert.doesNotMatch(out, /example\.com/);
      assert.match(out, /^mail me at j[a-z.@]*\[REDACTED:pii\] or call\. Key \[REDACTED:pii\] ends here$/);
    });

    it('after a block, chunks are dropped but usage still goes out, even on a choice chunk', () => {
      const st = new ResponseState(setOf([rule({ name: 'kw', action: 'block', keywords: ['stop here'] })]), { window: 32, maxScanChars: 1e6 });
      const chunk = (
        content: string | undefined,
        finish: ChatCompletionChunk['choices'][0]['finish_reason'] = null,
        usage?: ChatCompletionChunk['usage'],
      ): { data: ChatCompletionChunk } => ({
        data: {
          id: 'c',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'm',
          choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }],
          usage,
        },
      });
      const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
      assert.equal(st.chunk(chunk('please ')), null, 'held back: nothing to send yet');
      const end = st.chunk(chunk('stop here. '))!;
      assert.deepEqual(end.data.choices, [{ index: 0, delta: {}, finish_reason: 'content_filter' }]);
      assert.equal(st.blockedBy!.name, 'kw');
      assert.equal(st.chunk(chunk('more text')), null);
      assert.deepEqual(st.chunk(chunk(undefined, 'stop', usage))!.data, { ...chunk(undefined, 'stop', usage).data, choices: [] });
    });

    it('a keyword is not taken for a whole word before the next chunk says so', () => {
      const kw = setOf([rule({ name: 'kw', action: 'block', keywords: ['acme'] })]);
      assert.equal(run(kw, 'we use acmecorp tools', [10]).blocked, undefined);
      assert.equal(run(kw, 'we use acme tools', [11]).blocked, 'kw');
    });
  });
});
