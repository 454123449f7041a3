"""The published privacy policy (R-37): a :class:`~hogo.policy.model.Policy` as text.

:func:`render_policy` writes the whole policy in the fifteen sections of the seed, in Japanese
or English, as Markdown or HTML. The sections are first built as plain blocks (paragraphs,
lists, tables) by :func:`build_sections`; the fixed wording comes from
``templates/phrases.yaml`` and the values from the policy file. The Jinja templates
``policy.md.j2`` and ``policy.html.j2`` only lay the blocks out; HTML is escaped, Markdown is
not. :func:`statement_fields` names the values R-37 requires the statement to show.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from hogo.policy.model import JointUse, Policy, Recipient, RetentionRule, Text
from hogo.policy.wording import (
    FEE_RIGHTS,
    Block,
    Format,
    Item,
    Lang,
    Section,
    Words,
    h3,
    p,
    table,
    ul,
)


@functools.cache
def environment() -> Environment:
    """The Jinja environment of the policy templates; HTML templates are autoescaped."""
    return Environment(
        loader=PackageLoader("hogo.policy", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _titles(w: Words, policy: Policy, section: str, ids: Iterable[str]) -> str:
    mapping: dict[str, Any] = getattr(policy, section)
    return w.join(w.text(mapping[i].title) for i in ids if i in mapping)


def categories_section(policy: Policy, w: Words) -> Section:
    blocks = [p(w("s1_intro"))]
    for group in policy.subject_groups.values():
        blocks.append(h3(w.text(group.title)))
        items = []
        for cid in group.collects:
            category = policy.categories[cid]
            mark = f"（{w('special_care')}）" if category.special_care else ""
            items.append(w.text(category.title) + mark)
        blocks.append(ul(items))
    blocks.append(p(w("s1_cookie_note")))
    return Section(1, w("s1"), blocks)


def purposes_section(policy: Policy, w: Words) -> Section:
    blocks = [p(w("s2_intro"))]
    for gid, group in policy.subject_groups.items():
        rows = [
            (w.text(purpose.title), w.text(purpose.description), w.of("consent", purpose.consent))
            for purpose in policy.purposes.values()
            if gid in purpose.groups
        ]
        if rows:
            blocks += [h3(w.text(group.title)), table(w.many("purpose_head"), rows)]
    provided = [
        pid
        for pid in policy.purposes
        if any(
            pid in r.purposes and r.basis == "consent" and r.kind == "third_party"
            for r in policy.recipients.values()
        )
    ]
    if provided:
        blocks.append(p(w("provision_purposes", list=_titles(w, policy, "purposes", provided))))
    else:
        blocks.append(p(w("provision_purposes_none")))
    return Section(2, w("s2"), blocks)


def legal_basis_section(policy: Policy, w: Words) -> Section:
    rows = []
    for pid, purpose in policy.purposes.items():
        required = [cid for cid, c in policy.categories.items() if pid in c.required_for]
        rows.append(
            (
                w.text(purpose.title),
                purpose.legal_basis.appi,
                w.of("gdpr", purpose.legal_basis.gdpr),
                _titles(w, policy, "categories", required) or w("none"),
            )
        )
    return Section(3, w("s3"), [p(w("s3_intro")), table(w.many("basis_head"), rows)])


def retention_section(policy: Policy, w: Words) -> Section:
    head = w.many("retention_head") + ([w("retention_head_why")] if w.lang is Lang.en else [])
    rows = []
    for rule in policy.retention.values():
        row = [
            _titles(w, policy, "categories", rule.categories),
            _titles(w, policy, "purposes", rule.purposes) or w("any_purpose"),
            period(w, rule),
            w.of("then", rule.then),
            w.duration(rule.legal_minimum) if rule.legal_minimum else w("none"),
        ]
        rows.append(row + ([rule.why] if w.lang is Lang.en else []))
    return Section(4, w("s4"), [p(w("s4_intro")), table(head, rows)])


def _paren(w: Words, text: str, note: str) -> str:
    return f"{text}（{note}）" if w.lang is Lang.ja else f"{text} ({note})"


def period(w: Words, rule: RetentionRule) -> str:
    clock = w.of("clock", rule.clock, event=rule.event or "")
    if w.lang is Lang.ja:
        return clock + w.duration(rule.duration)
    return f"{w.duration(rule.duration)} {clock}"


def recipient_line(w: Words, recipient: Recipient) -> str:
    sep = "・" if w.lang is Lang.ja else "; "
    note = sep.join((w.of("kind", recipient.kind), w.of("basis", recipient.basis)))
    if recipient.country != "JP":
        located = f"{w('located_in')}: {w.country(recipient.country)}"
        note = sep.join((note, located))
    return _paren(w, w.text(recipient.title), note)


def recipients_section(policy: Policy, w: Words) -> Section:
    blocks = [p(w("s5_intro"))]
    for gid, group in policy.subject_groups.items():
        lines = [recipient_line(w, r) for r in policy.recipients.values() if gid in r.groups]
        if lines:
            blocks += [h3(w.text(group.title)), ul(lines)]
    for recipient in policy.recipients.values():
        if recipient.joint_use is not None:
            blocks += joint_use_blocks(policy, w, recipient.title, recipient.joint_use)
    blocks.append(p(w("s5_others")))
    exceptions = policy.provision_exceptions.values()
    blocks.append(ul(_paren(w, w.text(e.title), e.appi) for e in exceptions))
    blocks.append(p(w("s5_deidentified")))
    return Section(5, w("s5"), blocks)


def joint_use_blocks(policy: Policy, w: Words, title: Text, joint: JointUse) -> list[Block]:
    """The five items published before joint use (APPI A27(5)(iii); R-31)."""
    labels = w.many("joint_use_items")
    who = joint.responsible
    values = (
        (w("joint_use_since", date=w.date(joint.published_at)),),
        (_titles(w, policy, "categories", joint.categories),),
        (w.text(joint.users_scope),),
        (_titles(w, policy, "purposes", joint.purposes),),
        (
            f"{w('company_name')}: {w.text(who.name)}",
            f"{w('company_address')}: {w.text(who.address)}",
            f"{w('company_representative')}: {w.text(who.representative)}",
        ),
    )
    items = [Item(label, value) for label, value in zip(labels, values, strict=True)]
    return [h3(w("joint_use_title", title=w.text(title))), ul(items)]


def safety_section(policy: Policy, w: Words) -> Section:
    roles = [w.text(role.title) for role in policy.roles.values()]
    blocks = [p(w("s6_intro")), ul(w.many("measures")), p(w("roles_intro")), ul(roles)]
    rows = [
        (
            loc.system,
            w.country(loc.country),
            _titles(w, policy, "subject_groups", loc.groups),
            w.text(loc.regime_notes),
            w.date(loc.reviewed_at),
        )
        for loc in policy.storage_locations
    ]
    blocks += [p(w("s6_external")), table(w.many("storage_head"), rows)]
    blocks += [p(foreign_countries(policy, w)), p(w("s6_ask"))]
    return Section(6, w("s6"), blocks)


def foreign_countries(policy: Policy, w: Words) -> str:
    """The sentence naming the foreign countries where personal data is stored (R-22)."""
    codes = [loc.country for loc in policy.storage_locations if loc.country != "JP"]
    codes += [r.country for r in policy.recipients.values() if r.country != "JP"]
    if not codes:
        return w("foreign_none")
    return w("foreign_countries", list=w.join(w.country(c) for c in dict.fromkeys(codes)))


def rights_section(policy: Policy, w: Words) -> Section:
    rights, desk = policy.rights, policy.inquiry_desk
    steps = w.many(
        "s7_steps",
        desk=w.text(desk.name),
        url=desk.form_url,
        days=rights.deadline_days,
        gdpr_days=rights.gdpr_deadline_days,
    )
    blocks = [p(w("s7_intro")), ul(w.of("right", r) for r in rights.offered)]
    blocks += [h3(w("s7_procedure")), ul(steps), p(w("s7_identity")), ul(rights.identity_check)]
    blocks += [p(w("s7_fees")), ul(fee_lines(policy, w))]
    return Section(7, w("s7"), blocks)


def fee_lines(policy: Policy, w: Words) -> list[str]:
    """The fee of each request that may carry one (APPI A38; R-45), then "others free"."""
    lines = []
    for right in FEE_RIGHTS:
        if right not in policy.rights.offered:
            continue
        amount = policy.rights.fees_jpy.get(right, 0)
        fee = w("fee_amount", amount=f"{amount:,}") if amount else w("fee_free")
        lines.append(f"{w.of('right', right)}: {fee}")
    return [*lines, w("fee_others")]


def desk_section(policy: Policy, w: Words) -> Section:
    desk, company = policy.inquiry_desk, policy.controller
    blocks = [
        p(w("s8_intro")),
        h3(w.text(desk.name)),
        Block("link", text=w("s8_form"), url=desk.form_url),
        ul(
            [
                w("s8_channels", list=w.join(w.channel(c) for c in desk.channels)),
                w("s8_response", days=desk.response_days),
            ]
        ),
        h3(w("s8_controller")),
        ul(
            [
                f"{w('company_name')}: {w.text(company.name)}",
                f"{w('company_address')}: {w.text(company.address)}",
                f"{w('company_representative')}: {w.text(company.representative)}",
            ]
        ),
    ]
    if company.profile_url:
        blocks.append(Block("link", text=w("company_profile"), url=company.profile_url))
    return Section(8, w("s8"), blocks)


def cookies_section(policy: Policy, w: Words) -> Section:
    blocks = [p(w("s12_intro"))]
    for category in policy.cookies.values():
        consent = w(
            "cookie_consent",
            eu=w.of("consent", category.consent_eu),
            jp=w.of("consent", category.consent_jp),
        )
        blocks += [h3(w.text(category.title)), p(w.text(category.description)), p(consent)]
        rows = [
            (
                w.text(tag.title),
                w.text(tag.recipient),
                tag.destination,
                w.join(w.text(d) for d in tag.data_sent),
                w.text(tag.purpose),
            )
            for tag in category.tags.values()
        ]
        blocks.append(table(w.many("tag_head"), rows) if rows else p(w("no_tags")))
    blocks.append(ul(w.many("s12_outro")))
    return Section(12, w("s12"), blocks)


def access_logs_section(policy: Policy, w: Words) -> Section:
    logs = policy.access_logs
    return Section(
        13,
        w("s13"),
        [
            p(w("s13_intro")),
            ul(w.text(use.title) for use in logs.uses.values()),
            p(w("s13_prefix", v4=logs.ipv4_prefix, v6=logs.ipv6_prefix)),
            p(w("s13_outro")),
        ],
    )


def minors_section(policy: Policy, w: Words) -> Section:
    rows = [
        w("minor_row", where=w.country(where), age=age)
        for where, age in policy.minors.thresholds.items()
    ]
    return Section(14, w("s14"), [p(w("s14_intro")), ul(rows)])


def other_section(policy: Policy, w: Words) -> Section:
    version = w("version", version=policy.version)
    effective = w("effective", date=w.date(policy.effective_from))
    return Section(15, w("s15"), [p(w("s15_text")), ul([version, effective])])


def prose_section(number: int, w: Words, items: str, **values: object) -> Section:
    return Section(number, w(f"s{number}"), [ul(w.many(items, **values))])


def build_sections(policy: Policy, lang: Lang) -> list[Section]:
    """The fifteen sections of the policy, numbered as in the seed."""
    w = Words(lang)
    return [
        categories_section(policy, w),
        purposes_section(policy, w),
        legal_basis_section(policy, w),
        retention_section(policy, w),
        recipients_section(policy, w),
        safety_section(policy, w),
        rights_section(policy, w),
        desk_section(policy, w),
        prose_section(9, w, "s9_items"),
        prose_section(10, w, "s10_items", k=policy.deid.k),
        prose_section(11, w, "s11_items"),
        cookies_section(policy, w),
        access_logs_section(policy, w),
        minors_section(policy, w),
        other_section(policy, w),
    ]


def render_policy(policy: Policy, lang: Lang = Lang.ja, fmt: Format = Format.md) -> str:
    """The whole published policy in ``lang`` as Markdown or HTML."""
    w = Words(lang)
    template = environment().get_template(f"policy.{fmt.value}.j2")
    return template.render(
        lang=lang.value,
        title=w("title"),
        company=w.text(policy.controller.name),
        preamble=w("preamble", company=w.text(policy.controller.name)),
        sections=build_sections(policy, lang),
    )


def statement_fields(policy: Policy, lang: Lang) -> dict[str, list[str]]:
    """The values R-37 (APPI A32(1); Cabinet Order Art. 10) requires the statement to show."""
    w = Words(lang)
    desk = policy.inquiry_desk
    return {
        "company_name": [w.text(policy.controller.name)],
        "address": [w.text(policy.controller.address)],
        "representative": [w.text(policy.controller.representative)],
        "purposes": [w.text(purpose.description) for purpose in policy.purposes.values()],
        "request_procedures": [w.of("right", r) for r in policy.rights.offered] + [desk.form_url],
        "fees": fee_lines(policy, w),
        "safety_measures": [*w.many("measures"), foreign_countries(policy, w)],
        "complaint_desk": [w.text(desk.name), desk.form_url],
    }
