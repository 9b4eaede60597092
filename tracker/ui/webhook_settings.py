"""The webhooks part of the Users & settings screen: endpoints (added, paused, resumed), and the
latest deliveries with their attempts and a "send again"."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..domain.webhooks import Event
from ..services import webhooks
from ..services.context import Context
from .forms import choose_and_act, field_errors, form_prefix, reset_new_form, submit
from .session import tr
from .tables import literal_table
from .text import md


def render(ctx: Context) -> None:
    st.subheader(tr("webhooks.title"))
    st.caption(tr("webhooks.help"))
    secret = st.session_state.pop("_webhook_secret", None)
    if secret:  # shown this once: the receiver verifies signatures with it
        st.warning(tr("webhooks.secret_once"), icon=":material/key:")
        st.code(secret, language=None)
    for endpoint in webhooks.endpoints(ctx):
        state = tr("tokens.active") if endpoint["active"] else tr("webhooks.paused")
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(f"**{md(endpoint['url'])}** · {state}  \n{md(', '.join(endpoint['events']))}")
        right.button(tr("webhooks.pause") if endpoint["active"] else tr("webhooks.resume"),
                     key=f"wh_toggle_{endpoint['id']}", on_click=submit(
                         "wh_errors", lambda e=endpoint: webhooks.set_active(ctx, e["id"], e["version"], not e["active"]),
                         tr("common.saved")))
    field_errors("wh_errors", None)
    _new_endpoint(ctx)
    _deliveries(ctx)


def _new_endpoint(ctx: Context) -> None:
    with st.expander(tr("webhooks.new")):
        prefix = form_prefix("wh", None)
        errors = prefix + "errors"
        st.text_input(tr("webhooks.url"), key=prefix + "url", placeholder="https://ringi.example.jp/hooks/tracker")
        field_errors(errors, "url")
        st.multiselect(tr("webhooks.events"), [e.value for e in Event], key=prefix + "events",
                       placeholder=tr("common.choose"))
        field_errors(errors, "events")
        st.checkbox(tr("webhooks.allow_http"), key=prefix + "http", help=tr("webhooks.allow_http_help"))
        field_errors(errors, None)

        def add() -> None:
            s = st.session_state
            made = webhooks.add_endpoint(ctx, s[prefix + "url"], s[prefix + "events"], s[prefix + "http"])
            s["_webhook_secret"] = made.secret

        st.button(tr("webhooks.add"), type="primary", key=prefix + "submit",
                  on_click=submit(errors, add, tr("common.created"), on_success=reset_new_form("wh")))


def _deliveries(ctx: Context) -> None:
    rows = webhooks.deliveries(ctx, limit=50)
    if not rows:
        return
    st.markdown(f"**{md(tr('webhooks.deliveries'))}**")
    literal_table(pd.DataFrame([{
        tr("webhooks.event"): r["type"], "webhook-id": r["message_id"], tr("webhooks.state"): tr(f"webhooks.{r['state']}"),
        tr("webhooks.attempts"): r["attempts"], tr("webhooks.last"): r["last_status"] or r["last_error"] or "—",
        tr("webhooks.url"): r["url"]} for r in rows]))
    again = {r["id"]: f"{r['type']} · {r['message_id']}" for r in rows if r["state"] != "pending"}
    if again:
        choose_and_act("wh_resend", tr("webhooks.resend_which"), again, tr("webhooks.resend"),
                       lambda delivery_id: webhooks.send_again(ctx, delivery_id), tr("webhooks.queued"))
