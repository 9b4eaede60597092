"""Users: accounts, roles, lock-outs (administrators only)."""

import streamlit as st

from tracker.domain.permissions import USER_ROLES
from tracker.services import setup, users
from tracker.ui import webhook_settings
from tracker.ui.forms import field_errors, reset_new_form, form_prefix, submit
from tracker.ui.session import context, show_flash, tr
from tracker.ui.text import md

ctx = context()
st.title(tr("users.title"))
show_flash()
roles = {r.value: tr(f"role.{r.value}") for r in USER_ROLES}

for user in users.list_users(ctx):
    with st.container(border=True):
        locked = f" :red-badge[{tr('users.locked')}]" if user["locked_until"] else ""
        inactive = "" if user["active"] else f" :gray-badge[{tr('users.active')}: {tr('common.no')}]"
        st.markdown(f"**{md(user['username'])}** — {md(user['display_name'])} · {roles[user['role']]}{locked}{inactive}")
        prefix = f"user_{user['id']}_"  # stable: a refused stale save keeps its message
        left, middle, right = st.columns([2, 1, 1])
        left.selectbox(tr("users.role"), list(roles), index=list(roles).index(user["role"]), key=prefix + "role",
                       format_func=roles.__getitem__)
        middle.checkbox(tr("users.active"), value=bool(user["active"]), key=prefix + "active")
        right.button(tr("users.save"), key=prefix + "save", on_click=submit(
            prefix + "errors", lambda u=user, p=prefix: users.update_user(
                ctx, u["id"], u["version"], st.session_state[p + "role"], st.session_state[p + "active"],
                u["display_name"]), tr("common.saved"), original=user))
        if user["locked_until"]:
            right.button(tr("users.unlock"), key=prefix + "unlock", on_click=submit(
                prefix + "errors", lambda u=user: users.unlock(ctx, u["id"]), tr("common.saved")))
        field_errors(prefix + "errors", None)
        with st.popover(tr("users.reset_password"), icon=":material/password:"):
            st.text_input(tr("users.password"), type="password", key=prefix + "new_password")
            field_errors(prefix + "password_errors", "password")
            st.button(tr("users.reset_password"), key=prefix + "reset", on_click=submit(
                prefix + "password_errors", lambda u=user, p=prefix: users.set_password(
                    ctx, u["id"], st.session_state[p + "new_password"]), tr("common.saved")))

with st.expander(tr("users.new")):
    prefix = form_prefix("uf", None)
    errors = prefix + "errors"
    for name in ("username", "display_name", "email"):
        st.text_input(tr(f"users.{name}"), key=prefix + name)
        field_errors(errors, name)
    st.selectbox(tr("users.role"), list(roles), key=prefix + "role", format_func=roles.__getitem__)
    field_errors(errors, "role")
    st.text_input(tr("users.password"), type="password", key=prefix + "password")
    field_errors(errors, "password")
    st.button(tr("common.create"), type="primary", key=prefix + "submit", on_click=submit(
        errors, lambda: users.create_user(ctx, users.UserInput(
            st.session_state[prefix + "username"], st.session_state[prefix + "display_name"],
            st.session_state[prefix + "role"], st.session_state[prefix + "email"],
            st.session_state[prefix + "password"])), tr("common.created"), on_success=reset_new_form("uf")))


st.subheader(tr("organisation.title"))
st.caption(tr("organisation.help"))
current = setup.organisation(ctx)
ORG = "org_"
for field in setup.ORGANISATION_FIELDS:
    st.text_input(tr(f"organisation.{field}"), value=current[field], key=ORG + field)
    field_errors(ORG + "errors", field)
field_errors(ORG + "errors", None)
st.button(tr("users.save"), key=ORG + "save", type="primary", on_click=submit(
    ORG + "errors", lambda: setup.set_organisation(ctx, **{f: st.session_state[ORG + f] for f in setup.ORGANISATION_FIELDS}),
    tr("common.saved")))

webhook_settings.render(ctx)
