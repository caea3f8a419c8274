import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, modelOrigins } from './csp';

const directives = (policy: string) => Object.fromEntries(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));

describe('Content-Security-Policy', () => {
  it('allows the app origin, and model origins only for connections', () => {
    const policy = directives(contentSecurityPolicy(['https://storage.googleapis.com']));
    expect(policy['default-src']).toEqual(["'self'"]);
    expect(policy['connect-src']).toEqual(["'self'", 'https://storage.googleapis.com']);
    expect(policy['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(policy['object-src']).toEqual(["'none'"]);
    // nothing anywhere may be a wildcard, a bare scheme that reaches the network, or JS eval
    const all = Object.values(policy).flat();
    expect(all.filter((v) => v === '*' || v === 'https:' || v === 'http:' || v === "'unsafe-eval'")).toEqual([]);
    expect(policy['frame-ancestors']).toBeUndefined(); // not allowed in a <meta>
    expect(directives(contentSecurityPolicy([], true))['frame-ancestors']).toEqual(["'self'"]);
  });

  it('takes model origins from the hosted default and VITE_MODEL_ORIGINS', () => {
    expect(modelOrigins({})).toEqual(['https://storage.googleapis.com']);
    expect(modelOrigins({ VITE_MODEL_ORIGINS: 'https://models.example.org/a/model.json, https://storage.googleapis.com/x' })).toEqual([
      'https://storage.googleapis.com',
      'https://models.example.org',
    ]);
    expect(() => modelOrigins({ VITE_MODEL_ORIGINS: 'javascript:alert(1)' })).toThrow();
  });
});
