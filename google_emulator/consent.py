"""The account chooser and consent page (HTML), with a checkbox per non-sign-in scope. Its pages
name an empty icon (`data:,`): a browser then asks for no /favicon.ico, which would be a 404."""

from __future__ import annotations

from html import escape

from google_emulator.scopes import SIGN_IN, description
from google_emulator.state.oauth import Account

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Google Accounts (emulator)</title>
<link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font-family:system-ui,sans-serif;background:#f1f3f4;margin:0;color:#202124}}
main{{max-width:460px;margin:40px auto;background:#fff;border-radius:8px;padding:32px;
border:1px solid #dadce0}}
h1{{font-size:22px;font-weight:400;margin:0 0 8px}} p.note{{color:#5f6368;font-size:13px}}
fieldset{{border:1px solid #dadce0;border-radius:6px;margin:16px 0;padding:12px}}
legend{{padding:0 6px;font-weight:600}} label{{display:block;margin:8px 0}}
.actions{{display:flex;justify-content:flex-end;gap:12px;margin-top:20px}}
button{{font-size:15px;padding:8px 20px;border-radius:4px;border:1px solid #dadce0;
background:#fff;color:#1a73e8;cursor:pointer}} button.primary{{background:#1a73e8;color:#fff;border:0}}
</style></head>
<body><main>
<h1>Choose an account</h1>
<p>to continue to <strong>{client}</strong></p>
<p class="note">Google emulator: no real Google account is used.</p>
<form method="post" action="{action}">
{hidden}
<fieldset><legend>Account</legend>{accounts}</fieldset>
<fieldset><legend>This app wants to</legend>{scopes}</fieldset>
<div class="actions">
<button type="submit" name="decision" value="deny">Cancel</button>
<button type="submit" name="decision" value="allow" class="primary">Continue</button>
</div>
</form></main></body></html>"""


def render(
    *,
    action: str,
    client_id: str,
    params: dict[str, str],
    accounts: list[Account],
    scopes: list[str],
    login_hint: str,
) -> str:
    hidden = "\n".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in params.items()
    )
    chosen = login_hint if any(a.email == login_hint for a in accounts) else accounts[0].email
    account_rows = "".join(
        f'<label><input type="radio" name="account" value="{escape(a.email)}"'
        f"{' checked' if a.email == chosen else ''}> {escape(a.name)} &lt;{escape(a.email)}&gt;</label>"
        for a in accounts
    )
    scope_rows = "".join(_scope_row(scope) for scope in scopes)
    return PAGE.format(
        action=escape(action),
        client=escape(client_id),
        hidden=hidden,
        accounts=account_rows,
        scopes=scope_rows,
    )


def _scope_row(scope: str) -> str:
    text = escape(description(scope))
    if scope in SIGN_IN:
        return f"<label>&#10003; {text}</label>"
    return (
        f'<label><input type="checkbox" name="granted_scope" value="{escape(scope)}" checked>'
        f" {text}</label>"
    )


def error_page(status: int, error: str, detail: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        f"<title>Error {status}: {escape(error)}</title></head><body><main><h1>Access blocked: authorization error</h1>"
        f"<p>{escape(detail)}</p><p>Error {status}: {escape(error)}</p></main></body></html>"
    )
