"""A party's certifications: the list with their expiry, a form to add or renew one, and who is
reminded of them."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ..domain.certifications import Scheme
from ..domain.permissions import Action
from ..domain.schedule import EXPIRY_NOTICE_DAYS, status_of
from ..services import certifications, users
from ..services.certifications import CertificationInput
from ..services.context import Context
from . import attachment_view, labels
from .forms import field_errors, form_prefix, save_button, submit
from .session import tr
from .text import md


def render(ctx: Context, party: dict) -> None:
    held = certifications.certifications_of(ctx, party["id"])
    if not held:
        st.info(tr("certification.none"))
    editor = ctx.can(Action.EDIT_REGISTRY)
    for cert in held:
        with st.container(border=True):
            state = status_of(date.fromisoformat(cert["valid_until"]), EXPIRY_NOTICE_DAYS, ctx.today)
            label = tr("certification.expired") if state == "overdue" else tr(f"schedule.status.{state}")
            scheme = cert["scheme_name"] if cert["scheme"] == Scheme.OTHER else tr(f"certification.scheme.{cert['scheme']}")
            st.markdown(f":{labels.DUE_COLOUR[state]}-badge[{label}] **{md(scheme)}** {md(cert['number'])} · "
                        f"{tr('certification.valid_until')} {cert['valid_until']}"
                        + (f" · {md(cert['issuer'])}" if cert["issuer"] else ""))
            if cert["attachment_id"]:
                attachment_view.show(ctx, cert["attachment_id"], key=f"cert_file_{cert['id']}")
            if editor:
                with st.expander(tr("certification.renew")):
                    _form(ctx, party["id"], cert)
    if editor:
        with st.expander(tr("certification.add")):
            _form(ctx, party["id"], None)
        _owner(ctx, party)


def _form(ctx: Context, party_id: int, row: dict | None) -> None:
    prefix = form_prefix("cert", row)
    errors = prefix + "errors"
    schemes = {s.value: tr(f"certification.scheme.{s.value}") for s in Scheme}
    left, right = st.columns(2)
    with left:
        st.selectbox(tr("certification.scheme"), list(schemes), key=prefix + "scheme", format_func=schemes.__getitem__,
                     index=list(schemes).index(row["scheme"]) if row else 0)
        st.text_input(tr("certification.number"), value=row["number"] if row else "", key=prefix + "number")
        field_errors(errors, "number")
        st.date_input(tr("certification.valid_until"), value=date.fromisoformat(row["valid_until"]) if row else None,
                      key=prefix + "until", format="YYYY-MM-DD")
        field_errors(errors, "valid_until")
    with right:
        st.text_input(tr("certification.scheme_name"), value=(row["scheme_name"] or "") if row else "",
                      key=prefix + "scheme_name")
        field_errors(errors, "scheme_name")
        st.text_input(tr("certification.issuer"), value=(row["issuer"] or "") if row else "", key=prefix + "issuer")
        st.file_uploader(tr("certification.evidence"), type=["pdf", "png", "jpg", "jpeg"], key=prefix + "file")
        field_errors(errors, "file")
    field_errors(errors, None)

    def data() -> CertificationInput:
        s = st.session_state
        upload = s[prefix + "file"]
        return CertificationInput(s[prefix + "scheme"], s[prefix + "number"], s[prefix + "until"],
                                  s[prefix + "issuer"], s[prefix + "scheme_name"],
                                  (upload.name, upload.getvalue()) if upload else None)

    save_button("cert", row, create=lambda: certifications.create_certification(ctx, party_id, data()),
                update=lambda version: certifications.update_certification(ctx, row["id"], version, data()),
                allowed=ctx.can(Action.EDIT_REGISTRY))


def _owner(ctx: Context, party: dict) -> None:
    owners = {None: tr("schedule.unassigned")} | users.owner_choices(ctx)
    key = f"party_owner_{party['id']}_{party['version']}"
    left, right = st.columns([3, 1])
    left.selectbox(tr("certification.owner"), list(owners), key=key, format_func=owners.__getitem__,
                   index=list(owners).index(party["owner_user_id"]) if party["owner_user_id"] in owners else 0)
    right.button(tr("common.save"), key=key + "_save", on_click=submit(
        key + "_errors", lambda: certifications.set_party_owner(ctx, party["id"], party["version"],
                                                                st.session_state[key]),
        tr("common.saved"), original=party))
    field_errors(key + "_errors", None)
