"""Each cross-reference problem is reported as ``FILE:LINE: key.path: message``.

Every case breaks a copy of examples/policy.yaml in one place. The expected line is the line of
the edit, or of ``at`` (a text searched for after an anchor) when the problem is reported at
another key, for instance the nearest parent of a key that is missing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hogo.policy.lint import lint
from hogo.policy.model import Policy

Edit = Callable[[str, str, str, str], tuple[str, int]]
ProblemsOf = Callable[[str], list[str]]


def case(
    after: str,
    old: str,
    new: str,
    problem: str,
    *,
    at: tuple[str, str] | None = None,
    name: str,
) -> object:
    return pytest.param(after, old, new, problem, at, id=name)


CASES = [
    case(
        "  order_confirmation:",
        "phone",
        "phnoe",
        "purposes.order_confirmation.categories[2]: unknown category 'phnoe'",
        name="R-02 unknown category in a purpose",
    ),
    case(
        "  operational_notices:",
        "groups: [customers]",
        "groups: [custmers]",
        "purposes.operational_notices.groups[0]: unknown subject group 'custmers'",
        name="unknown subject group in a purpose",
    ),
    case(
        "  office_security:",
        "categories: [security_video]",
        "categories: []",
        "purposes.office_security.categories: the purpose names no category",
        name="purpose without categories",
    ),
    case(
        "  office_security:",
        "groups: [camera_subjects]",
        "groups: []",
        "purposes.office_security.groups: the purpose names no subject group",
        name="purpose without groups",
    ),
    case(
        "  office_security:",
        "categories: [security_video]",
        "categories: [security_video, security_video]",
        "purposes.office_security.categories[1]: category 'security_video' is listed twice",
        name="category listed twice",
    ),
    case(
        "  order_confirmation:",
        "delivery_info]",
        "delivery_info, school]",
        "purposes.order_confirmation.categories[9]: none of the purpose's groups collects 'school'",
        name="purpose category not collected from its groups",
    ),
    case(
        "  camera_subjects:\n    title",
        "collects: [security_video]",
        "collects: [security_video, portrait]",
        "subject_groups.camera_subjects.collects[1]: 'portrait' is collected but no purpose of"
        " 'camera_subjects' uses it",
        name="R-01 category collected but used by no purpose",
    ),
    case(
        "  portrait:\n",
        "    deid: direct_identifier\n",
        "    deid: direct_identifier\n  fax:\n    title: {ja: FAX番号, en: Fax}\n"
        "    deid: direct_identifier\n",
        "categories.fax: no subject group collects this category",
        at=("  portrait:\n", "  fax:"),
        name="R-01 category collected by no group",
    ),
    case(
        "retention:",
        "job_title, inhouse_magazine_material]",
        "job_title]",
        "categories.inhouse_magazine_material: no retention rule covers this category",
        at=("categories:\n", "  inhouse_magazine_material:"),
        name="R-12 category without a retention rule",
    ),
    case(
        "retention:",
        "[member_id, birth_date, gender, occupation, product_number",
        "[member_id, birth_date, gender, product_number",
        "purposes.product_development_analysis.categories[3]: no retention rule covers"
        " 'occupation' for this purpose",
        at=("  product_development_analysis:\n", "    categories:"),
        name="R-12 purpose's category without a retention rule",
    ),
    case(
        "  store_management:",
        "basis: entrustment",
        "basis: consent",
        "recipients.store_management.basis: a processor cannot receive data on basis"
        " 'consent' (entrustment)",
        name="R-30 processor needs entrustment",
    ),
    case(
        "  group_companies:",
        "basis: consent",
        "basis: entrustment",
        "recipients.group_companies.basis: a group_company cannot receive data on basis"
        " 'entrustment' (consent, exception)",
        name="R-29 group company is a third party",
    ),
    case(
        "  vehicle_operation:",
        "kind: processor\n    basis: entrustment",
        "kind: joint_user\n    basis: joint_use",
        "recipients.vehicle_operation.joint_use: joint use needs the five published items in"
        " 'joint_use'",
        at=("recipients:", "  vehicle_operation:"),
        name="R-31 joint use without its five items",
    ),
    case(
        "    joint_use:\n      categories: [",
        "inhouse_magazine_material]",
        "inhouse_magazine_material, email]",
        "recipients.group_joint_use.joint_use.categories[5]: 'email' is not among the"
        " recipient's categories",
        name="R-31 jointly used item outside the recipient",
    ),
    case(
        "  product_delivery:",
        "prize_delivery]",
        "prize_delivry]",
        "recipients.product_delivery.purposes[1]: unknown purpose 'prize_delivry'",
        name="recipient with an unknown purpose",
    ),
    case(
        "  product_delivery:",
        "purposes: [sale_provision, prize_delivery]",
        "purposes: [sale_provision, recruitment]",
        "recipients.product_delivery.purposes[1]: purpose 'recruitment' covers none of its groups",
        name="recipient purpose for other people",
    ),
    case(
        "  product_delivery:",
        "delivery_info]",
        "delivery_info, school]",
        "recipients.product_delivery.categories[4]: none of its groups collects 'school'",
        name="recipient category not collected from its groups",
    ),
    case(
        "  customer_advertising:",
        "cookie_attributes]\n",
        "cookie_attributes, card_number]\n",
        "recipients.customer_advertising.categories[10]: none of its purposes uses 'card_number'",
        name="recipient category outside its purposes",
    ),
    case(
        "  preference_advertising:\n    title",
        '    consent_version: "2022-04-01"\n',
        "",
        "purposes.preference_advertising.consent: consent is required but consent_version is"
        " not set",
        at=("  preference_advertising:\n    title", "    consent: required"),
        name="G-02 required consent without a version",
    ),
    case(
        "  inhouse_magazine:\n    # Publishing",
        "    consent: required\n",
        "",
        "purposes.inhouse_magazine.consent: the GDPR basis is consent but consent is"
        " 'not_required'",
        at=("  inhouse_magazine:\n    # Publishing", "  inhouse_magazine:"),
        name="G-01 GDPR consent without a consent rule",
    ),
    case(
        "  office_security:",
        ", lia: LIA-2022-04-security}",
        "}",
        "purposes.office_security.legal_basis.gdpr: legitimate_interests needs an 'lia' reference",
        name="G-01 legitimate interests without an assessment",
    ),
    case(
        "  order_confirmation:",
        "gdpr: contract}",
        "gdpr: contract, lia: LIA-x}",
        "purposes.order_confirmation.legal_basis.lia: an 'lia' is only for legitimate_interests",
        name="G-01 assessment without legitimate interests",
    ),
    case(
        "  questionnaire_answers:\n",
        "    deid: sensitive\n",
        "    deid: sensitive\n    special_care: true\n",
        "purposes.campaign_operation.categories[7]: 'questionnaire_answers' is special-care"
        " data: the purpose needs consent (APPI A20(2))",
        at=("  campaign_operation:\n", "    categories:"),
        name="R-08 special-care item without consent",
    ),
    case(
        "  cv:\n",
        "required_for: [recruitment]",
        "required_for: [recruitment, recruitment_information]",
        "categories.cv.required_for[1]: purpose 'recruitment_information' does not list 'cv'",
        name="required_for a purpose that does not use the category",
    ),
    case(
        "  campaigns:\n",
        "    event: campaign_closed\n",
        "",
        "retention.campaigns.clock: clock 'event' needs the 'event' that starts it",
        at=("  campaigns:\n", "    clock: event"),
        name="R-12 clock event without an event",
    ),
    case(
        "  security_video:\n    categories",
        "    clock: collected_at\n",
        "    clock: collected_at\n    event: overwritten\n",
        "retention.security_video.event: 'event' is only for clock 'event'",
        at=("  security_video:\n    categories", "    event: overwritten"),
        name="R-12 event without clock event",
    ),
    case(
        "  recordings:\n",
        "categories: [call_recordings, online_service_video]",
        "categories: [call_recordings, online_service_vidoe]",
        "retention.recordings.categories[1]: unknown category 'online_service_vidoe'",
        name="R-12 a rule naming an unknown category",
    ),
    case(
        "  inquiries:\n",
        "purposes: [inquiry_handling]",
        "purposes: [inquiry_handlng]",
        "retention.inquiries.purposes[0]: unknown purpose 'inquiry_handlng'",
        name="R-12 a rule naming an unknown purpose",
    ),
    case(
        "  applicants_not_hired:\n",
        "event: applicant_not_hired",
        "event: applicant_rejected",
        "retention.applicants_not_hired.event: unknown event 'applicant_rejected': declare it"
        " under 'events'",
        name="R-12 a rule naming an unknown event",
    ),
    case(
        "  inquiries:\n",
        "purposes: [inquiry_handling]",
        "purposes: [inquiry_handling]\n    subject_groups: [custmers]",
        "retention.inquiries.subject_groups[0]: unknown subject group 'custmers'",
        at=("  inquiries:\n", "    subject_groups"),
        name="R-12 a rule naming an unknown subject group",
    ),
    case(
        "  fraud_prevention:\n",
        "purposes: [terms_violation_handling]",
        "purposes: [terms_violation_handling, sale_provision]",
        "retention.fraud_prevention: contradicts rule 'customer_orders': both cover 'name' for"
        " 'sale_provision', on other terms",
        at=("\nretention:", "  fraud_prevention:"),
        name="R-12 two rules covering the same category and purpose on other terms",
    ),
    case(
        "# Security video: thirty days",
        "categories: [security_video]",
        "categories: [security_video, call_recordings]",
        "retention.security_video: contradicts rule 'recordings': both cover 'call_recordings',"
        " on other terms",
        at=("\nretention:", "  security_video:"),
        name="R-12 two general rules covering one category on other terms",
    ),
    case(
        "  resignee_records:\n",
        "duration: P5Y",
        "duration: P3Y",
        "retention.resignee_records.duration: duration P3Y is shorter than the legal minimum P5Y"
        " (R-13)",
        name="R-13 retention shorter than the legal minimum",
    ),
    case(
        "  card_data:\n",
        "[card_number, card_expiry]",
        "[card_number, card_expiry, card_security_code]",
        "retention.card_data.categories[2]: 'card_security_code' is stored 'never': it has no"
        " retention",
        name="PCI 3.3.1 card security code in a retention rule",
    ),
    case(
        "  card_security_code:\n",
        "    storage: never\n",
        "    storage: never\n    lookup: phone\n",
        "categories.card_security_code.lookup: a category stored 'never' cannot have a lookup"
        " index",
        at=("  card_security_code:\n", "    lookup: phone"),
        name="PCI 3.3.1 card security code with a lookup index",
    ),
    case(
        "  sales:\n",
        "categories: [name,",
        "categories: [nmae,",
        "roles.sales.categories[0]: unknown category 'nmae'",
        name="R-15 role scope with an unknown category",
    ),
    case(
        "storage_locations:",
        "award_recipients, camera_subjects]",
        "award_recipients, camera_subject]",
        "storage_locations[0].groups[5]: unknown subject group 'camera_subject'",
        name="R-22 storage location with an unknown group",
    ),
    case(
        "cookies:\n  continuity:",
        "purposes: [cookie_continuity]",
        "purposes: [cookie_continuation]",
        "cookies.continuity.purposes[0]: unknown purpose 'cookie_continuation'",
        name="R-63 cookie use with an unknown purpose",
    ),
    case(
        "  advertising:\n    title",
        "consent_jp: required",
        "consent_jp: opt_out",
        "cookies.advertising.consent_jp: 'opt_out' is weaker than the consent its purposes need",
        name="R-63 cookie gate weaker than its purposes",
    ),
    case(
        "    troubleshooting:",
        "[server_troubleshooting]",
        "[server_trouble]",
        "access_logs.uses.troubleshooting.purposes[0]: unknown purpose 'server_trouble'",
        name="R-62 access-log use with an unknown purpose",
    ),
    case(
        "  member_status:",
        "purchase_date]",
        "purchase_date, access_log_record]",
        "purposes.member_status.categories[8]: access-log item 'access_log_record' used outside"
        " the uses of access_logs (R-62)",
        name="R-62 access logs used for another purpose",
    ),
    case(
        "  fees_jpy:\n",
        "    provision_records: 0\n",
        "    provision_records: 0\n    correction: 1000\n",
        "rights.fees_jpy.correction: APPI A38 allows no fee for 'correction'",
        at=("  fees_jpy:\n", "    correction: 1000"),
        name="R-45 fee for a correction",
    ),
    case(
        "minors:",
        "default_jurisdiction: JP",
        "default_jurisdiction: US",
        "minors.default_jurisdiction: 'US' has no threshold in 'thresholds'",
        name="R-10 default jurisdiction without a threshold",
    ),
]


def line_of(text: str, anchor: str, needle: str) -> int:
    position = text.index(needle, text.index(anchor))
    return text.count("\n", 0, position) + 1


@pytest.mark.parametrize(("after", "old", "new", "problem", "at"), CASES)
def test_lint_problem_names_file_line_and_key(
    example_text: str,
    edit: Edit,
    problems_of: ProblemsOf,
    after: str,
    old: str,
    new: str,
    problem: str,
    at: tuple[str, str] | None,
) -> None:
    broken, line = edit(example_text, after, old, new)
    if at is not None:
        line = line_of(broken, *at)
    assert f"policy.yaml:{line}: {problem}" in problems_of(broken)


def test_the_example_has_no_lint_problem(policy: Policy) -> None:
    assert lint(policy) == []


def test_problems_come_in_file_order(example_text: str, problems_of: ProblemsOf) -> None:
    broken = example_text.replace("basis: entrustment", "basis: consent")
    problems = problems_of(broken)
    lines = [int(problem.split(":")[1]) for problem in problems]
    assert len(problems) == example_text.count("basis: entrustment")
    assert lines == sorted(lines)
