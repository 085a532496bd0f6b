"""Security headers on every response, and no-store on every page someone signed in sees."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, app, *, hsts: bool, form_actions: tuple[str, ...] = ()):
        self.app = app
        csp = CSP
        if form_actions:
            # Sign-in with the identity provider posts or redirects there.
            csp = csp.replace("form-action 'self'", "form-action 'self' " + " ".join(form_actions))
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if hsts:
            self.headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                headers.extend(self.headers)
                state = scope.get("state", {})
                if scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"public, max-age=31536000, immutable"))
                elif state.get("principal") is not None or state.get("session") and state["session"].user_id:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                elif not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


_OURS = frozenset({b"content-security-policy", b"x-content-type-options", b"referrer-policy", b"x-frame-options"})
