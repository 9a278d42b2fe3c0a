import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalUrl } from '../../../src/engine/server/canonical-url.ts';

describe('canonicalUrl', () => {
  it('decodes escaped unreserved characters and merges slashes in the path only', () => {
    assert.equal(canonicalUrl('/apps/%61dmin/x'), '/apps/admin/x');
    assert.equal(canonicalUrl('/apps/%41%7e%2D%2e%5F'), '/apps/A~-._');
    assert.equal(canonicalUrl('/apps//admin///x'), '/apps/admin/x');
    assert.equal(canonicalUrl('//apps/x?next=//a%61'), '/apps/x?next=//a%61');
  });

  it('keeps reserved, non-ASCII and malformed escapes as they came', () => {
    assert.equal(canonicalUrl('/apps/a%2Fb%3F%25%20%C3%A9%zz%4'), '/apps/a%2Fb%3F%25%20%C3%A9%zz%4');
  });

  it('returns the very same string when there is nothing to change', () => {
    const url = '/v1/chat/completions?x=%61';
    assert.equal(canonicalUrl(url), url);
  });

  it('is idempotent and never adds a separator or a query', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\/[a-zA-Z0-9%/._~?\\-]{0,40}$/), (url) => {
        const once = canonicalUrl(url);
        assert.equal(canonicalUrl(once), once);
        const path = (s: string) => s.split('?')[0]!;
        assert.ok(path(once).split('/').length <= path(url).split('/').length);
        assert.equal(once.includes('?'), url.includes('?'));
      }),
      { numRuns: 2000 },
    );
  });
});
