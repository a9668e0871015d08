/**
 * Generated from openapi.json by `npm run openapi` (openapi-typescript); do not edit.
 */

export interface paths {
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in
         * @description Starts a session. An unknown email and a wrong password get the same answer, in about the same time.
         *
         *     Rate limits: `RATE_LIMIT_LOGIN` (default `10/15m`, per client IP), `RATE_LIMIT_LOGIN_FAILURES` (default `5/15m`, per email and client network (IPv4 address, IPv6 /64), failed attempts only), `RATE_LIMIT_LOGIN_FAILURES_EMAIL` (default `50/1h`, per email from all networks, failed attempts only).
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log out
         * @description Ends the caller's session at once, and the session of the given refresh token if it is the caller's. The body is optional.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log out everywhere
         * @description Ends every session of the caller, this one included.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        post: operations["logoutAll"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refresh the tokens
         * @description Spends the refresh token and issues a new pair. The same token again within 10 seconds (a retry, a second tab) gets a new pair too; later, it counts as theft and the whole session is revoked (401 `TOKEN_INVALID`); so is the same token within those 10 seconds from another client network (IPv4 address, IPv6 /64). Counted per session (`RATE_LIMIT_REFRESH`), per client IP for a token of no session.
         *
         *     Rate limits: `RATE_LIMIT_REFRESH` (default `30/15m`, per session (client IP for a token of none)).
         */
        post: operations["refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register an account
         * @description Creates a `USER` account and signs it in: the answer holds its first token pair. A verification link is mailed to the address (at most 3 verification emails an hour to one address).
         *
         *     Rate limits: `RATE_LIMIT_REGISTER` (default `5/1h`, per client IP).
         */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List my sessions
         * @description The caller's live sessions, most recently used first, a page at a time; `current` marks this one. `ip` and `userAgent` are those of the latest login or refresh. An account has at most `MAX_SESSIONS_PER_USER` (default 50): a new login beyond it ends the least recently used.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        get: operations["listSessions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * End one of my sessions
         * @description Another user's session, or one that already ended, is not found.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        delete: operations["endSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/email/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel an email change
         * @description Spends the token of the cancel link (`/cancel-email-change#token=…`) in the notice mailed to the address in force when a change of email was asked for. The change ends (`pendingEmail` becomes null) and, since whoever asked knew the password, so does every session and every other pending link of the account; nobody is signed in (no tokens): sign in again, then change the password. The link lives 24 hours and ends with the change: once the change is confirmed, cancelled, replaced by a newer one or ended by a credential change, it answers 400 `INVALID_ONE_TIME_TOKEN`, as an unknown token does.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        post: operations["cancelEmailChange"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/email/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm an email address
         * @description Spends the token of a verification link (`/verify-email#token=…`), which marks the address verified, or of an email-change link (`/confirm-email-change#token=…`), which makes the pending address the account's email and ends every session of the account (409 `EMAIL_ALREADY_EXISTS` if another account took the address meanwhile). Tokens are single use; verification and email-change tokens live 24 hours.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        post: operations["confirmEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/email/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send the verification email again
         * @description Mails a new verification link to the caller's address, ending the earlier links; sends nothing when the address is already verified. At most 3 verification emails an hour go to one address (the one at registration counts): beyond that the answer is the same, nothing is sent and the last link keeps working.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        post: operations["resendVerification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password/forgot": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask for a password reset link
         * @description Mails a reset link (`/reset-password#token=…`, valid 30 minutes) to the address if it has an account, at most 3 an hour per address (beyond that nothing is sent and the last link keeps working). The answer is the same, in about the same time, whether or not the address has an account.
         *
         *     Rate limits: `RATE_LIMIT_PASSWORD_FORGOT` (default `5/1h`, per client IP).
         */
        post: operations["forgotPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password with a reset link
         * @description Spends the token of a reset link: sets the password (the rules of register), ends every session, clears the failed-login count of the email (the way back from a lockout), marks the email verified and signs in.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        post: operations["resetPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List users (admin)
         * @description Admins only. Oldest first. `q` matches the email, `role` filters.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        get: operations["listUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a user (admin)
         * @description Admins only. Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        get: operations["getUser"];
        put?: never;
        post?: never;
        /**
         * Delete a user (admin)
         * @description Admins only. The user's tasks and sessions go with it; their tokens stop working at once. Deleting the last admin is refused (409 `LAST_ADMIN`).
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        delete: operations["deleteUser"];
        options?: never;
        head?: never;
        /**
         * Change a user's role (admin)
         * @description Admins only. Demoting the last admin is refused (409 `LAST_ADMIN`).
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/api/v1/users/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get my profile
         * @description Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        /**
         * Delete my account
         * @description Deletes the account with its tasks and sessions; every token of it stops working at once. Needs the current password (401 `INVALID_CREDENTIALS` when wrong; wrong ones count as failed logins of the account, so past `RATE_LIMIT_LOGIN_FAILURES` the answer is 429 even with the right one). The last admin cannot delete itself (409 `LAST_ADMIN`).
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token), `RATE_LIMIT_LOGIN_FAILURES` (default `5/15m`, per email and client network (IPv4 address, IPv6 /64), failed attempts only), `RATE_LIMIT_LOGIN_FAILURES_EMAIL` (default `50/1h`, per email from all networks, failed attempts only).
         */
        delete: operations["deleteMe"];
        options?: never;
        head?: never;
        /**
         * Change my email or password
         * @description Needs the current password (401 `INVALID_CREDENTIALS` when wrong; wrong ones count as failed logins of the account, so past `RATE_LIMIT_LOGIN_FAILURES` the answer is 429 even with the right one). A new password takes effect at once and ends every other session. A new email does not: the answer shows it as `pendingEmail`, a confirmation link goes to it (none when another account has it, with the same answer) and a notice to the current address; `POST /auth/email/confirm` with the link's token makes it the email. Sending the current email again cancels a pending change. One address gets at most 3 confirmation links and 3 notices an hour, whoever asks: beyond that the answer is the same and nothing is sent to it.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token), `RATE_LIMIT_LOGIN_FAILURES` (default `5/15m`, per email and client network (IPv4 address, IPv6 /64), failed attempts only), `RATE_LIMIT_LOGIN_FAILURES_EMAIL` (default `50/1h`, per email from all networks, failed attempts only).
         */
        patch: operations["updateMe"];
        trace?: never;
    };
    "/api/v1/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List tasks
         * @description The caller's tasks, paginated, filtered and sorted. Admins may list one user's tasks (`userId`) or everyone's (`scope=all`, not combined with `userId`); anyone else using either gets 403.
         *
         *     Two kinds of pages: offset pages (`page`, `pageSize`; `meta.total`) and, for infinite scroll, cursor pages (`limit`, then `cursor=<meta.nextCursor>` with the same filters and sort), which never skip or repeat a task when tasks are added or removed between pages. A cursor that this API did not issue for this caller and query is a 400.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        get: operations["listTasks"];
        put?: never;
        /**
         * Create a task
         * @description Send an `Idempotency-Key` to make retries safe: a repeat with the same key and body within 24 hours gets the first answer again (with `Idempotent-Replayed: true`) and creates nothing; the same key with another body is a 422; a repeat while the first is still running is a 409. Failed requests are not stored.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        post: operations["createTask"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a task
         * @description Another user's task is not found (404, never 403); admins can read any task. The answer's `ETag` is the task's version; send it back as `If-None-Match` to get 304 with no body while the task is unchanged.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        get: operations["getTask"];
        put?: never;
        post?: never;
        /**
         * Delete a task
         * @description Admins can delete any task. With `If-Match: <the ETag you read>` it happens only if nobody changed the task since (else 412). The task then answers 404 everywhere; delta sync reports it as a delete.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        delete: operations["deleteTask"];
        options?: never;
        head?: never;
        /**
         * Update a task
         * @description Changes only the given fields; `description: null` clears it. Admins can change any task. With `If-Match: <the ETag you read>` the change happens only if nobody changed the task since (else 412).
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        patch: operations["updateTask"];
        trace?: never;
    };
    "/api/v1/tasks/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Delta sync: what changed since
         * @description The caller's task changes since `since`, oldest first: `upsert` with the task as it is now, or `delete` with the id. Without `since`, every live task. Apply them and call again with `nextSince` while `hasMore` is true; a change committed meanwhile is never skipped. Deleted tasks are reported for `TOMBSTONE_TTL` (default 30 days): a `since` older than that is a 410, and the client syncs again from scratch.
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        get: operations["listTaskChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List audit events (admin)
         * @description Admins only. Newest first. `userId` matches the account an event is about (`subjectUserId`), `type` one event type, `since` (inclusive) and `until` (exclusive) the time; `since` later than `until` is a 400. Events are kept `AUDIT_RETENTION` (default 365 days).
         *
         *     Rate limits: `RATE_LIMIT_API` (default `100/1m`, per user, or client IP without a valid token).
         */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Health check
         * @description Liveness with a database check. With the database unreachable: 503 within 5 seconds.
         *
         *     Not rate-limited.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Health check at the root path
         * @description Liveness with a database check. With the database unreachable: 503 within 5 seconds.
         *
         *     Not rate-limited.
         */
        get: operations["getHealthAtRoot"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This OpenAPI document
         * @description Not rate-limited.
         */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * API reference (HTML)
         * @description This reference as a self-contained page: it loads nothing from other sites.
         *
         *     Not rate-limited.
         */
        get: operations["getDocs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        User: {
            /**
             * Format: uuid
             * @example 0f8fad5b-d9cb-469f-a165-70867728950e
             */
            id: string;
            /** @example ada@example.com */
            email: string;
            /** @description the owner confirmed the address through an emailed link */
            emailVerified: boolean;
            /** @description a new address waiting for its confirmation link; `email` stays in force until then */
            pendingEmail: string | null;
            /** @enum {string} */
            role: "USER" | "ADMIN";
            /**
             * Format: date-time
             * @description ISO-8601 UTC timestamp
             * @example 2026-01-31T09:30:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO-8601 UTC timestamp
             * @example 2026-01-31T09:30:00.000Z
             */
            updatedAt: string;
        };
        Task: {
            /**
             * Format: uuid
             * @example 0f8fad5b-d9cb-469f-a165-70867728950e
             */
            id: string;
            /** @example Buy milk */
            title: string;
            /** @example 2 litres, semi-skimmed */
            description: string | null;
            completed: boolean;
            /**
             * Format: uuid
             * @description the owner
             * @example 0f8fad5b-d9cb-469f-a165-70867728950e
             */
            userId: string;
            /**
             * @description 1 on create, one more on every change; the `ETag` is this number, quoted
             * @example 1
             */
            version: number;
            /**
             * Format: date-time
             * @description ISO-8601 UTC timestamp
             * @example 2026-01-31T09:30:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO-8601 UTC timestamp
             * @example 2026-01-31T09:30:00.000Z
             */
            updatedAt: string;
        };
        TaskChange: {
            /** @constant */
            type: "upsert";
            task: components["schemas"]["Task"];
        } | {
            /** @constant */
            type: "delete";
            /**
             * Format: uuid
             * @example 0f8fad5b-d9cb-469f-a165-70867728950e
             */
            id: string;
            /**
             * Format: date-time
             * @description ISO-8601 UTC timestamp
             * @example 2026-01-31T09:30:00.000Z
             */
            deletedAt: string;
        };
        TaskChanges: {
            /** @description oldest first; a task at most once, in its latest state */
            changes: components["schemas"]["TaskChange"][];
            /** @description pass as `since` next time; opaque */
            nextSince: string;
            /** @description true: call again with `nextSince` now (more changes, or changes still committing); false: your copy is up to date as of this answer */
            hasMore: boolean;
        };
        Tokens: {
            /** @description a JWT; send it as `Authorization: Bearer <accessToken>` */
            accessToken: string;
            /**
             * @description opaque; spend it once at POST /api/v1/auth/refresh for a new pair
             * @example Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg
             */
            refreshToken: string;
            /** @constant */
            tokenType: "Bearer";
            /**
             * @description seconds until the access token expires
             * @example 900
             */
            expiresIn: number;
            /**
             * @description seconds until the refresh token expires
             * @example 604800
             */
            refreshExpiresIn: number;
        };
        Session: {
            /**
             * Format: uuid
             * @example 0f8fad5b-d9cb-469f-a165-70867728950e
             */
            id: string;
            /**
             * Format: date-time
             * @description ISO-8601 UTC timestamp
             * @example 2026-01-31T09:30:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO-8601 UTC timestamp
             * @example 2026-01-31T09:30:00.000Z
             */
            lastUsedAt: string;
            /**
             * Format: date-time
             * @description the absolute end of the session; refreshing never extends it
             * @example 2026-01-31T09:30:00.000Z
             */
            expiresAt: string;
            /** @example Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) */
            userAgent: string | null;
            /** @example 203.0.113.10 */
            ip: string | null;
            /** @description whether this is the session of the calling access token */
            current: boolean;
        };
        SignedIn: {
            user: components["schemas"]["User"];
            tokens: components["schemas"]["Tokens"];
        };
        Refreshed: {
            tokens: components["schemas"]["Tokens"];
        };
        Health: {
            /** @constant */
            status: "ok";
            checks: {
                /** @constant */
                database: "ok";
            };
            /** @example 0.1.0 */
            version: string;
        };
        Meta: {
            /**
             * Format: date-time
             * @description ISO-8601 UTC timestamp
             * @example 2026-01-31T09:30:00.000Z
             */
            timestamp: string;
        };
        PageMeta: {
            /**
             * @description items matching the query, on every page
             * @example 42
             */
            total: number;
            /**
             * @description this page, from 1
             * @example 1
             */
            page: number;
            /**
             * @description items per page
             * @example 20
             */
            pageSize: number;
            /**
             * @description pages in all; a page past the end is empty
             * @example 3
             */
            totalPages: number;
            /**
             * Format: date-time
             * @description ISO-8601 UTC timestamp
             * @example 2026-01-31T09:30:00.000Z
             */
            timestamp: string;
        };
        CursorPageMeta: {
            /**
             * @description items per page at most
             * @example 20
             */
            limit: number;
            /** @description pass as `cursor` (with the same filters and sort) for the next page; null on the last page */
            nextCursor: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 UTC timestamp
             * @example 2026-01-31T09:30:00.000Z
             */
            timestamp: string;
        };
        ErrorDetail: {
            /**
             * @description the field or parameter, e.g. `title`, or `body`
             * @example title
             */
            path: string;
            /** @example must not be empty */
            message: string;
        };
        Error: {
            error: {
                /** @enum {string} */
                code: "VALIDATION_ERROR" | "INVALID_ONE_TIME_TOKEN" | "AUTHENTICATION_REQUIRED" | "INVALID_CREDENTIALS" | "TOKEN_EXPIRED" | "TOKEN_INVALID" | "INSUFFICIENT_PERMISSIONS" | "EMAIL_NOT_VERIFIED" | "RESOURCE_NOT_FOUND" | "ROUTE_NOT_FOUND" | "EMAIL_ALREADY_EXISTS" | "LAST_ADMIN" | "TASK_LIMIT_REACHED" | "IDEMPOTENCY_KEY_IN_USE" | "SYNC_CURSOR_EXPIRED" | "PRECONDITION_FAILED" | "IDEMPOTENCY_KEY_REUSED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "RATE_LIMIT_EXCEEDED" | "INTERNAL_ERROR" | "SERVICE_UNAVAILABLE";
                /** @description for people; 5xx messages are generic */
                message: string;
                /** @description one entry per problem, for VALIDATION_ERROR */
                details?: components["schemas"]["ErrorDetail"][];
                /** @description equals the X-Request-Id response header */
                requestId: string;
            };
        };
        LoginRequest: {
            /**
             * @description trimmed and lower-cased; unique regardless of case; matches the pattern after trimming
             * @example ada@example.com
             */
            email: string;
            /** @example correct horse battery staple */
            password: string;
        };
        LogoutRequest: {
            /** @description the refreshToken of the latest token pair */
            refreshToken?: string;
        };
        RefreshRequest: {
            /** @description the refreshToken of the latest token pair */
            refreshToken: string;
        };
        RegisterRequest: {
            /**
             * @description trimmed and lower-cased; unique regardless of case; matches the pattern after trimming
             * @example ada@example.com
             */
            email: string;
            /**
             * @description Unicode NFKC-normalised first (the form that is stored and compared, so `ﬁ` and `fi` are one password), then 8 to 128 characters, any characters, never trimmed. Refused: control, format and other invisible characters (zero-width spaces and joiners, bidirectional controls, line breaks), one character repeated, the word `taskapi`, the email’s local part (4+ characters), and a password the zxcvbn estimator (common passwords, English words and names, keyboard patterns, dates, sequences) scores below 3 of 4, judged on its first 64 characters.
             * @example correct horse battery staple
             */
            password: string;
        };
        CancelEmailChangeRequest: {
            /**
             * @description the `token` from the emailed link's fragment (`#token=…`)
             * @example q3J0c2VjcmV0LXRva2VuLWZyb20tdGhlLWVtYWlsLWxpbms
             */
            token: string;
        };
        ConfirmEmailRequest: {
            /**
             * @description the `token` from the emailed link's fragment (`#token=…`)
             * @example q3J0c2VjcmV0LXRva2VuLWZyb20tdGhlLWVtYWlsLWxpbms
             */
            token: string;
        };
        ForgotPasswordRequest: {
            /**
             * @description trimmed and lower-cased; unique regardless of case; matches the pattern after trimming
             * @example ada@example.com
             */
            email: string;
        };
        ResetPasswordRequest: {
            /**
             * @description the `token` from the emailed link's fragment (`#token=…`)
             * @example q3J0c2VjcmV0LXRva2VuLWZyb20tdGhlLWVtYWlsLWxpbms
             */
            token: string;
            /**
             * @description Unicode NFKC-normalised first (the form that is stored and compared, so `ﬁ` and `fi` are one password), then 8 to 128 characters, any characters, never trimmed. Refused: control, format and other invisible characters (zero-width spaces and joiners, bidirectional controls, line breaks), one character repeated, the word `taskapi`, the email’s local part (4+ characters), and a password the zxcvbn estimator (common passwords, English words and names, keyboard patterns, dates, sequences) scores below 3 of 4, judged on its first 64 characters.
             * @example correct horse battery staple
             */
            password: string;
        };
        UpdateUserRequest: {
            /** @enum {string} */
            role: "USER" | "ADMIN";
        };
        /** @description at least one of email and password; a new password ends every other session, a new email waits for its confirmation */
        UpdateMeRequest: {
            /**
             * @description trimmed and lower-cased; unique regardless of case; matches the pattern after trimming
             * @example ada@example.com
             */
            email?: string;
            /**
             * @description Unicode NFKC-normalised first (the form that is stored and compared, so `ﬁ` and `fi` are one password), then 8 to 128 characters, any characters, never trimmed. Refused: control, format and other invisible characters (zero-width spaces and joiners, bidirectional controls, line breaks), one character repeated, the word `taskapi`, the email’s local part (4+ characters), and a password the zxcvbn estimator (common passwords, English words and names, keyboard patterns, dates, sequences) scores below 3 of 4, judged on its first 64 characters.
             * @example correct horse battery staple
             */
            password?: string;
            /**
             * @description proves it is you
             * @example correct horse battery staple
             */
            currentPassword: string;
        } | unknown | unknown;
        /** @description the current password, counted like a login attempt when wrong */
        DeleteMeRequest: {
            /**
             * @description proves it is you
             * @example correct horse battery staple
             */
            currentPassword: string;
        };
        CreateTaskRequest: {
            /**
             * @description trimmed
             * @example Buy milk
             */
            title: string;
            /**
             * @description `null` for none; on update, `null` clears it
             * @default null
             * @example 2 litres, semi-skimmed
             */
            description?: string | null;
            /** @default false */
            completed?: boolean;
        };
        /** @description only the given fields change; at least one is required */
        UpdateTaskRequest: {
            /**
             * @description trimmed
             * @example Buy milk
             */
            title?: string;
            /**
             * @description `null` for none; on update, `null` clears it
             * @example 2 litres, semi-skimmed
             */
            description?: string | null;
            completed?: boolean;
        };
    };
    responses: {
        /** @description `AUTHENTICATION_REQUIRED`: no bearer token; `INVALID_CREDENTIALS`: wrong email or password (one answer for both); `TOKEN_EXPIRED`: the token is past its expiry; `TOKEN_INVALID`: malformed, tampered, revoked or spent token, ended session or deleted account */
        AuthenticationRequiredOrInvalidCredentialsOrTokenExpiredOrTokenInvalid: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "AUTHENTICATION_REQUIRED" | "INVALID_CREDENTIALS" | "TOKEN_EXPIRED" | "TOKEN_INVALID";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `AUTHENTICATION_REQUIRED`: no bearer token; `TOKEN_EXPIRED`: the token is past its expiry; `TOKEN_INVALID`: malformed, tampered, revoked or spent token, ended session or deleted account */
        AuthenticationRequiredOrTokenExpiredOrTokenInvalid: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "AUTHENTICATION_REQUIRED" | "TOKEN_EXPIRED" | "TOKEN_INVALID";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `EMAIL_ALREADY_EXISTS`: the email is taken (case-insensitive) */
        EmailAlreadyExists: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "EMAIL_ALREADY_EXISTS";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `EMAIL_NOT_VERIFIED`: email verification is required and the caller has not confirmed the address yet */
        EmailNotVerified: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "EMAIL_NOT_VERIFIED";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `IDEMPOTENCY_KEY_REUSED`: this `Idempotency-Key` was used with a different request */
        IdempotencyKeyReused: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "IDEMPOTENCY_KEY_REUSED";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `INSUFFICIENT_PERMISSIONS`: the role cannot do this; `EMAIL_NOT_VERIFIED`: email verification is required and the caller has not confirmed the address yet */
        InsufficientPermissionsOrEmailNotVerified: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "INSUFFICIENT_PERMISSIONS" | "EMAIL_NOT_VERIFIED";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `INTERNAL_ERROR`: an unexpected error (logged with the request id; the message is generic) */
        InternalError: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "INTERNAL_ERROR";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `INVALID_CREDENTIALS`: wrong email or password (one answer for both) */
        InvalidCredentials: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "INVALID_CREDENTIALS";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `LAST_ADMIN`: the change would leave no administrator */
        LastAdmin: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "LAST_ADMIN";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `PAYLOAD_TOO_LARGE`: the body is over 64 KiB */
        PayloadTooLarge: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "PAYLOAD_TOO_LARGE";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `PRECONDITION_FAILED`: `If-Match` does not match the current `ETag`: the task changed since you read it */
        PreconditionFailed: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "PRECONDITION_FAILED";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `RATE_LIMIT_EXCEEDED`: a rate limit was hit; wait `Retry-After` seconds */
        RateLimitExceeded: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "Retry-After": components["headers"]["Retry-After"];
                /** @description Rate-limited routes send the `RateLimit-*` headers on every answer: requests allowed in the current window of the tightest rule that applies. */
                "RateLimit-Limit": number;
                /** @description Requests left in the current window. */
                "RateLimit-Remaining": number;
                /** @description Seconds until the current window ends. */
                "RateLimit-Reset": number;
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "RATE_LIMIT_EXCEEDED";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `RESOURCE_NOT_FOUND`: no such entity, or not visible to the caller (also for an id that is not a UUID) */
        ResourceNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "RESOURCE_NOT_FOUND";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `SERVICE_UNAVAILABLE`: the database is unreachable or overloaded; retry later */
        ServiceUnavailable: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "SERVICE_UNAVAILABLE";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `SYNC_CURSOR_EXPIRED`: the `since` cursor is older than the tombstone horizon (`TOMBSTONE_TTL`); sync again from scratch */
        SyncCursorExpired: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "SYNC_CURSOR_EXPIRED";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `TASK_LIMIT_REACHED`: the caller already owns `MAX_TASKS_PER_USER` tasks; `IDEMPOTENCY_KEY_IN_USE`: a request with this `Idempotency-Key` is still being processed; retry shortly */
        TaskLimitReachedOrIdempotencyKeyInUse: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "TASK_LIMIT_REACHED" | "IDEMPOTENCY_KEY_IN_USE";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `TOKEN_EXPIRED`: the token is past its expiry; `TOKEN_INVALID`: malformed, tampered, revoked or spent token, ended session or deleted account */
        TokenExpiredOrTokenInvalid: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "TOKEN_EXPIRED" | "TOKEN_INVALID";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `UNSUPPORTED_MEDIA_TYPE`: a body without `Content-Type: application/json` */
        UnsupportedMediaType: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "UNSUPPORTED_MEDIA_TYPE";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `VALIDATION_ERROR`: a field, the JSON or a query parameter is not valid; `details` names each problem */
        ValidationError: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "VALIDATION_ERROR";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
        /** @description `VALIDATION_ERROR`: a field, the JSON or a query parameter is not valid; `details` names each problem; `INVALID_ONE_TIME_TOKEN`: the email link's token is unknown, already used, expired or of another kind */
        ValidationErrorOrInvalidOneTimeToken: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": {
                    error: {
                        /** @enum {string} */
                        code: "VALIDATION_ERROR" | "INVALID_ONE_TIME_TOKEN";
                        /** @description for people; 5xx messages are generic */
                        message: string;
                        /** @description one entry per problem, for VALIDATION_ERROR */
                        details?: components["schemas"]["ErrorDetail"][];
                        /** @description equals the X-Request-Id response header */
                        requestId: string;
                    };
                };
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description The request id; error bodies repeat it as `requestId`. Quote it when reporting a problem. */
        "X-Request-Id": string;
        /** @description Rate-limited routes send the `RateLimit-*` headers on every answer: requests allowed in the current window of the tightest rule that applies. */
        "RateLimit-Limit": number;
        /** @description Requests left in the current window. */
        "RateLimit-Remaining": number;
        /** @description Seconds until the current window ends. */
        "RateLimit-Reset": number;
        /** @description Seconds to wait before trying again. */
        "Retry-After": number;
        /** @description The URL of the created resource, e.g. `/api/v1/tasks/{id}`. */
        Location: string;
        /** @description Always `Bearer`. */
        "WWW-Authenticate": "Bearer";
        /** @description The task's version, quoted (`"3"`): send it as `If-None-Match` or `If-Match`. */
        ETag: string;
        /** @description `true` when this is the stored answer to an earlier request with the same `Idempotency-Key`. */
        "Idempotent-Replayed": "true";
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description The account and a new token pair. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SignedIn"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["InvalidCredentials"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["LogoutRequest"];
            };
        };
        responses: {
            /** @description Logged out. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    logoutAll: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every session ended. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description A new token pair. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Refreshed"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["TokenExpiredOrTokenInvalid"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterRequest"];
            };
        };
        responses: {
            /** @description The account and its tokens; `Location` is the profile. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    Location: components["headers"]["Location"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SignedIn"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            409: components["responses"]["EmailAlreadyExists"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listSessions: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of live sessions. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Session"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    endSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A value that is not a UUID is simply not found (404). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session ended. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            404: components["responses"]["ResourceNotFound"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    cancelEmailChange: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["CancelEmailChangeRequest"];
            };
        };
        responses: {
            /** @description The account as it is now, its email unchanged and `pendingEmail` null. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            user: components["schemas"]["User"];
                        };
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationErrorOrInvalidOneTimeToken"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    confirmEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConfirmEmailRequest"];
            };
        };
        responses: {
            /** @description The account as it is now. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            user: components["schemas"]["User"];
                        };
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationErrorOrInvalidOneTimeToken"];
            409: components["responses"]["EmailAlreadyExists"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    resendVerification: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Taken: the email is on its way unless the address is verified. */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    forgotPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["ForgotPasswordRequest"];
            };
        };
        responses: {
            /** @description Taken: a link is on its way if the address has an account. */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["ValidationError"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    resetPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResetPasswordRequest"];
            };
        };
        responses: {
            /** @description The account and a new token pair. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["SignedIn"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationErrorOrInvalidOneTimeToken"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listUsers: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                /** @description text in the email, any case */
                q?: string;
                role?: "USER" | "ADMIN";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of users. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["User"][];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            403: components["responses"]["InsufficientPermissionsOrEmailNotVerified"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A value that is not a UUID is simply not found (404). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["User"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            403: components["responses"]["InsufficientPermissionsOrEmailNotVerified"];
            404: components["responses"]["ResourceNotFound"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A value that is not a UUID is simply not found (404). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user is gone. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            403: components["responses"]["InsufficientPermissionsOrEmailNotVerified"];
            404: components["responses"]["ResourceNotFound"];
            409: components["responses"]["LastAdmin"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A value that is not a UUID is simply not found (404). */
                id: string;
            };
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUserRequest"];
            };
        };
        responses: {
            /** @description The updated user. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["User"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            403: components["responses"]["InsufficientPermissionsOrEmailNotVerified"];
            404: components["responses"]["ResourceNotFound"];
            409: components["responses"]["LastAdmin"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's account. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["User"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeleteMeRequest"];
            };
        };
        responses: {
            /** @description The account is gone. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrInvalidCredentialsOrTokenExpiredOrTokenInvalid"];
            409: components["responses"]["LastAdmin"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateMeRequest"];
            };
        };
        responses: {
            /** @description The updated account. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["User"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrInvalidCredentialsOrTokenExpiredOrTokenInvalid"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listTasks: {
        parameters: {
            query?: {
                /** @description offset pages: the page, from 1 (default 1); not with `cursor` or `limit` */
                page?: number;
                /** @description offset pages: items per page (default 20); not with `cursor` or `limit` */
                pageSize?: number;
                /** @description cursor pages: items per page (default 20); the answer has `meta.nextCursor` */
                limit?: number;
                /** @description `meta.nextCursor` of the previous page, with the same filters and sort */
                cursor?: string;
                completed?: boolean;
                /** @description text in the title or description, any case; at least 2 characters (served by an index) */
                q?: string;
                /** @description a leading `-` sorts descending */
                sort?: "createdAt" | "-createdAt" | "updatedAt" | "-updatedAt" | "title" | "-title";
                /** @description admins only: this user’s tasks; not with `scope` (400) */
                userId?: string;
                /** @description admins only: everyone’s tasks; not with `userId` (400) */
                scope?: "all";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of tasks: offset pages, or cursor pages with `limit`/`cursor`. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Task"][];
                        meta: components["schemas"]["PageMeta"];
                    } | {
                        data: components["schemas"]["Task"][];
                        meta: components["schemas"]["CursorPageMeta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            403: components["responses"]["InsufficientPermissionsOrEmailNotVerified"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description makes a retry safe: the same key within 24 hours replays the first answer (`Idempotent-Replayed: true`) instead of creating another task */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTaskRequest"];
            };
        };
        responses: {
            /** @description The new task; `Location` is its URL. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    Location: components["headers"]["Location"];
                    ETag: components["headers"]["ETag"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Task"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            403: components["responses"]["EmailNotVerified"];
            409: components["responses"]["TaskLimitReachedOrIdempotencyKeyInUse"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["IdempotencyKeyReused"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description an `ETag` you hold: 304 with no body while the task is unchanged */
                "If-None-Match"?: string;
            };
            path: {
                /** @description A value that is not a UUID is simply not found (404). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The task. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Task"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            /** @description `If-None-Match` holds the current `ETag`: the task is unchanged. No body. */
            304: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            403: components["responses"]["EmailNotVerified"];
            404: components["responses"]["ResourceNotFound"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description the `ETag` you read: 412 `PRECONDITION_FAILED` if the task changed since; `*` only requires that it exists */
                "If-Match"?: string;
            };
            path: {
                /** @description A value that is not a UUID is simply not found (404). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The task is gone. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            403: components["responses"]["EmailNotVerified"];
            404: components["responses"]["ResourceNotFound"];
            412: components["responses"]["PreconditionFailed"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description the `ETag` you read: 412 `PRECONDITION_FAILED` if the task changed since; `*` only requires that it exists */
                "If-Match"?: string;
            };
            path: {
                /** @description A value that is not a UUID is simply not found (404). */
                id: string;
            };
            cookie?: never;
        };
        /** @description A JSON object of at most 65536 bytes as sent (larger: 413 `PAYLOAD_TOO_LARGE`). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateTaskRequest"];
            };
        };
        responses: {
            /** @description The updated task. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    ETag: components["headers"]["ETag"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Task"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            403: components["responses"]["EmailNotVerified"];
            404: components["responses"]["ResourceNotFound"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listTaskChanges: {
        parameters: {
            query?: {
                /** @description `nextSince` of your last sync; absent: from the beginning (every live task) */
                since?: string;
                /** @description changes per answer at most (default 100) */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One batch of changes. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["TaskChanges"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            403: components["responses"]["EmailNotVerified"];
            410: components["responses"]["SyncCursorExpired"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                page?: number;
                pageSize?: number;
                /** @description events about this user (its `subjectUserId`), whoever acted */
                userId?: string;
                /** @description events of this type */
                type?: "user.registered" | "login.succeeded" | "login.failed" | "login.locked" | "refresh.reuse_detected" | "session.revoked" | "password.changed" | "password.reset_requested" | "password.reset" | "email.verified" | "email.change_requested" | "email.changed" | "email.change_cancelled" | "user.role_changed" | "user.deleted";
                /** @description events at or after this time; years 1970 to 9999 */
                since?: string;
                /** @description events before this time; years 1970 to 9999 */
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of audit events. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /**
                             * Format: uuid
                             * @example 0f8fad5b-d9cb-469f-a165-70867728950e
                             */
                            id: string;
                            /** @enum {string} */
                            type: "user.registered" | "login.succeeded" | "login.failed" | "login.locked" | "refresh.reuse_detected" | "session.revoked" | "password.changed" | "password.reset_requested" | "password.reset" | "email.verified" | "email.change_requested" | "email.changed" | "email.change_cancelled" | "user.role_changed" | "user.deleted";
                            /**
                             * Format: date-time
                             * @description ISO-8601 UTC timestamp
                             * @example 2026-01-31T09:30:00.000Z
                             */
                            at: string;
                            /** @description who acted: the signed-in caller, or the account an email link or a login proved; null for a failed or refused login, a reset request, a reused refresh token */
                            actorUserId: string | null;
                            /** @description the account the event is about; null for an email of no account. The account may be deleted since */
                            subjectUserId: string | null;
                            /** @description the client address API Gateway saw */
                            ip: string | null;
                            userAgent: string | null;
                            /**
                             * @description what the event is about, by type: ids (`sessionId`, `sessionIds`, `revokedSessionIds`), a `reason`, the `method` a `login.succeeded` proved (`password`), roles (`from`, `to`), the subject’s own addresses, or `emailHash` (a keyed hash) for an email of no account; never a password, token or hash of one
                             * @example {
                             *       "sessionId": "0f8fad5b-d9cb-469f-a165-70867728950e"
                             *     }
                             */
                            details: {
                                [key: string]: string | number | boolean | null | string[];
                            };
                        }[];
                        meta: components["schemas"]["PageMeta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["AuthenticationRequiredOrTokenExpiredOrTokenInvalid"];
            403: components["responses"]["InsufficientPermissionsOrEmailNotVerified"];
            429: components["responses"]["RateLimitExceeded"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The API and its database answer. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Health"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getHealthAtRoot: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The API and its database answer. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: components["schemas"]["Health"];
                        meta: components["schemas"]["Meta"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document of this API. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        openapi: "3.1.0";
                        info: Record<string, never>;
                        paths: Record<string, never>;
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getDocs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The page. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            400: components["responses"]["ValidationError"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
