import httpSecurityHeaders from '@middy/http-security-headers';
import type { RouteMiddleware } from './types.ts';

/**
 * The contract's security headers on every answer, by @middy/http-security-headers with
 * everything else it can send turned off (an API answer is not a page: the contract names
 * exactly these five). `contentSecurityPolicy` replaces `default-src 'none'` for the docs page.
 */
// The package's own default directives, off (its types say string; it skips any falsy value).
const OFF = false as unknown as string;
const PACKAGE_DIRECTIVES_OFF: Record<string, string> = Object.fromEntries(
  [
    'base-uri',
    'sandbox',
    'form-action',
    'frame-ancestors',
    'report-to',
    'require-trusted-types-for',
    'upgrade-insecure-requests',
  ].map((directive) => [directive, OFF]),
);

const API_DIRECTIVES = { 'default-src': "'none'", 'frame-ancestors': "'none'" };

export function securityHeaders(contentSecurityPolicy?: string): RouteMiddleware {
  const api = withDirectives(API_DIRECTIVES);
  if (!contentSecurityPolicy) return api;
  const page = withDirectives(
    Object.fromEntries(
      contentSecurityPolicy.split(';').map((directive) => {
        const [name = '', ...values] = directive.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    ),
  );
  // The page's policy on the page only: an error of its route is a JSON answer like any other.
  return { after: page.after, onError: api.onError };
}

function withDirectives(directives: Record<string, string>): RouteMiddleware {
  return httpSecurityHeaders({
    contentSecurityPolicy: { ...PACKAGE_DIRECTIVES_OFF, ...directives },
    contentTypeOptions: { action: 'nosniff' },
    frameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true, preload: false },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    dnsPrefetchControl: false,
    downloadOptions: false,
    originAgentCluster: false,
    permissionsPolicy: false,
    permittedCrossDomainPolicies: false,
    reportingEndpoints: false,
    reportTo: false,
    xssProtection: false,
  }) as RouteMiddleware;
}
