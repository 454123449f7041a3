"""examples/policy.yaml encodes the whole seed policy, and the law's requirements on it.

The seed's items, purposes and recipient types are written out below as the policy states
them, each mapped to the id that encodes it, and checked against ``hogo policy show --json``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hogo.policy.lint import FEE_ALLOWED, months
from hogo.policy.model import Policy

# §1, item by item: (subject group, the seed's words, category id).
SEED_ITEMS: list[tuple[str, str, str]] = [
    ("customers", "name", "name"),
    ("customers", "date of birth", "birth_date"),
    ("customers", "gender", "gender"),
    ("customers", "address", "address"),
    ("customers", "telephone number", "phone"),
    ("customers", "email address", "email"),
    ("customers", "credit card information: card number", "card_number"),
    ("customers", "credit card information: security code", "card_security_code"),
    ("customers", "credit card information: expiration date", "card_expiry"),
    ("customers", "ID for membership services", "member_id"),
    ("customers", "password for membership services", "member_password"),
    ("customers", "product number", "product_number"),
    ("customers", "date of purchase", "purchase_date"),
    ("customers", "store of purchase", "purchase_store"),
    ("customers", "delivery information for the product", "delivery_info"),
    ("customers", "information related to product repairs", "repair_records"),
    ("customers", "questionnaires related to products and services", "questionnaire_answers"),
    ("customers", "video recording data for online customer services", "online_service_video"),
    ("customers", "information related to product preferences", "preference_profile"),
    ("customers", "details entered in inquiry forms", "inquiry_details"),
    ("customers", "telephone record data", "call_recordings"),
    ("customers", "cookie-based information: user activities", "cookie_activity"),
    (
        "customers",
        "cookie-based information: user environment (IP address, etc.)",
        "cookie_environment",
    ),
    ("customers", "cookie-based information: user attributes", "cookie_attributes"),
    (
        "customers",
        "information obtained from social media, such as user name",
        "social_media_username",
    ),
    ("client_contacts", "name", "name"),
    ("client_contacts", "company or association name", "company_name"),
    ("client_contacts", "department", "department"),
    ("client_contacts", "place of work", "workplace"),
    ("client_contacts", "title", "job_title"),
    ("client_contacts", "address", "address"),
    ("client_contacts", "telephone number", "phone"),
    ("client_contacts", "email address", "email"),
    ("client_contacts", "account number", "bank_account"),
    ("client_contacts", "sales promotion and sales negotiations", "sales_negotiation_records"),
    ("client_contacts", "images from security videos", "security_video"),
    ("client_contacts", "membership sites for clients: ID", "client_site_login_id"),
    ("client_contacts", "membership sites for clients: password", "client_site_password"),
    ("client_contacts", "registration date", "registration_date"),
    ("client_contacts", "registered person", "registered_person"),
    ("client_contacts", "area", "area"),
    ("client_contacts", "date and time of final login", "last_login_at"),
    (
        "client_contacts",
        "material for in-house magazines: images and text",
        "inhouse_magazine_material",
    ),
    ("applicants", "name", "name"),
    ("applicants", "date of birth", "birth_date"),
    ("applicants", "address", "address"),
    ("applicants", "telephone number", "phone"),
    ("applicants", "email address", "email"),
    ("applicants", "name of scholastic institution", "school"),
    ("applicants", "faculty, and school", "faculty"),
    ("applicants", "work experience", "work_history"),
    ("applicants", "information on CVs", "cv"),
    ("resignees", "term of office", "term_of_office"),
    ("resignees", "remuneration", "remuneration"),
    ("resignees", "account number", "bank_account"),
    ("resignees", "company name", "company_name"),
    ("resignees", "employee code", "employee_code"),
    (
        "resignees",
        "monthly contribution to the shareholder association",
        "shareholding_contribution",
    ),
    ("resignees", "securities account information", "securities_account"),
    ("resignees", "number of shares held", "shares_held"),
    ("award_recipients", "name", "name"),
    ("award_recipients", "address", "address"),
    ("award_recipients", "telephone number", "phone"),
    ("award_recipients", "email address", "email"),
    ("award_recipients", "account number", "bank_account"),
    ("award_recipients", "portrait of award recipient", "portrait"),
    ("camera_subjects", "images from security videos", "security_video"),
]
# Categories that §1 does not list item by item, and where the seed names them.
EXTRA_CATEGORIES = {
    "occupation": "§2.customers.(3): information customised to age, occupation, gender …",
    "access_log_ip": "§13: each customer's IP address",
    "access_log_record": "§13: access information on the Company website",
}

# §2, §12 and §13, purpose by purpose: (section, the seed's words, purpose id).
SEED_PURPOSES: list[tuple[str, str, str]] = [
    (
        "2.customers.(1)",
        "To confirm the contents of products or services ordered",
        "order_confirmation",
    ),
    (
        "2.customers.(1)",
        "To invoice for products and services ordered, confirm payment",
        "invoicing_payment",
    ),
    ("2.customers.(1)", "To sell and provide products and services", "sale_provision"),
    (
        "2.customers.(1)",
        "To deliver products to winners … or rewards or trial goods",
        "prize_delivery",
    ),
    ("2.customers.(2)", "To provide membership services", "membership_service"),
    ("2.customers.(2)", "To provide log-in functions for membership service sites", "member_login"),
    (
        "2.customers.(2)",
        "To provide operational information … changes in conditions of use",
        "operational_notices",
    ),
    (
        "2.customers.(2)",
        "To ascertain the registration status … and status of use",
        "member_status",
    ),
    (
        "2.customers.(2)",
        "To deal with violations of the Company's terms … fraudulent credit card transactions",
        "terms_violation_handling",
    ),
    (
        "2.customers.(3)",
        "To provide product information (including catalogs) and information on campaigns",
        "product_information_ads",
    ),
    (
        "2.customers.(3)",
        "To provide support and maintenance information",
        "support_information_ads",
    ),
    (
        "2.customers.(3)",
        "To customize information … in line with customer age, occupation, gender",
        "preference_advertising",
    ),
    (
        "2.customers.(4)",
        "To operate and manage campaigns, events, questionnaires, monitor-based research",
        "campaign_operation",
    ),
    (
        "2.customers.(5)",
        "To conduct, tabulate, and analyze questionnaires … plan, develop, and improve products",
        "product_development_analysis",
    ),
    (
        "2.customers.(5)",
        "To use for improvement of websites, campaigns, and events",
        "website_improvement_analysis",
    ),
    (
        "2.customers.(6)",
        "To deal with, confirm, and record inquiries and consultations",
        "inquiry_handling",
    ),
    (
        "2.customers.(6)",
        "To issue warranties … customer services and after-sales services",
        "after_sales_service",
    ),
    (
        "2.client_contacts.1",
        "For communications, sales negotiations, or arrangements necessary for business",
        "business_communication",
    ),
    (
        "2.client_contacts.2",
        "To send notices of releases of new products and events, and greeting cards",
        "client_notices",
    ),
    (
        "2.client_contacts.3",
        "To provide digital content for ordering promotional goods …",
        "client_digital_content",
    ),
    (
        "2.client_contacts.4",
        "For preparation of marketing strategies and sales strategies",
        "marketing_strategy",
    ),
    ("2.client_contacts.5", "To provide information for sales promotion", "client_sales_promotion"),
    (
        "2.client_contacts.6",
        "To use for improving activities related to planning, development …",
        "client_product_improvement",
    ),
    (
        "2.client_contacts.7",
        "For management of entry and exiting and security management for facilities",
        "facility_access_management",
    ),
    (
        "2.client_contacts.8",
        "To conduct monetary payments and other actions related to performance of agreements",
        "client_payment",
    ),
    (
        "2.client_contacts.9",
        "To deal with, confirm, and record inquiries and consultations",
        "client_inquiry_handling",
    ),
    (
        "2.client_contacts.10",
        "To issue warranties and to provide information on customer services",
        "client_after_sales",
    ),
    (
        "2.client_contacts.11",
        "To issue and distribute in-house magazines for the Company's group companies",
        "inhouse_magazine",
    ),
    (
        "2.applicants.1",
        "To execute and manage duties related to recruiting activities and internships",
        "recruitment",
    ),
    (
        "2.applicants.2",
        "For provision of information on recruitment … or communication with applicants",
        "recruitment_information",
    ),
    (
        "2.resignees.3",
        "To deal with labor-related laws concerning resignees",
        "resignee_labour_compliance",
    ),
    (
        "2.resignees.3",
        "perform duties related to the shareholder association",
        "shareholding_association_duties",
    ),
    (
        "2.resignees.3",
        "conduct monetary payments and other actions related to performance of agreements",
        "resignee_payments",
    ),
    ("2.resignees.3", "and for other necessary communications", "resignee_communication"),
    ("2.award_recipients.1", "To provide awards, etc. to award recipients", "award_provision"),
    ("2.camera_subjects.2", "For security management of offices", "office_security"),
    ("12.(i)", "to browse … as a continuation of the previous visit", "cookie_continuity"),
    (
        "12.(ii)",
        "to statistically analyze the use status … of the Company website",
        "cookie_statistics",
    ),
    (
        "12.(iii)",
        "to distribute the Company's advertisements to customers who have used the website",
        "retargeting_advertising",
    ),
    (
        "12.(iii)",
        "… and third persons who have characteristics similar to those customers",
        "lookalike_advertising",
    ),
    (
        "13.(i)",
        "to statistically analyze the use status … of the Company website",
        "access_log_statistics",
    ),
    (
        "13.(ii)",
        "to determine causes of, and solve, problems in the Company's web server",
        "server_troubleshooting",
    ),
    (
        "13.(iii)",
        "associate the information with information … that identifies the customer",
        "member_linkage",
    ),
]

# §5, recipient type by recipient type: (subject group, the seed's words, recipient id).
SEED_RECIPIENTS: list[tuple[str, str, str]] = [
    ("customers", "Providers of store management services", "store_management"),
    (
        "customers",
        "Providers of EC site operation and management system services",
        "ec_site_operation",
    ),
    ("customers", "Providers of online customer system services", "online_customer_system"),
    (
        "customers",
        "Providers of customer services and after-sales services",
        "customer_service_providers",
    ),
    ("customers", "Providers of customer management system services", "customer_management_system"),
    ("customers", "Providers of data storage services", "customer_data_storage"),
    ("customers", "Providers of product delivery services", "product_delivery"),
    ("customers", "Providers of rewards point services", "rewards_points"),
    ("customers", "Providers of fraud detection services", "fraud_detection"),
    ("customers", "Providers of payment services", "payment_services"),
    ("customers", "Financial institutions", "customer_financial_institutions"),
    ("customers", "Providers of data analysis services", "data_analysis"),
    ("customers", "Providers of advertising services", "customer_advertising"),
    ("customers", "Providers of data collection services", "customer_data_collection"),
    ("customers", "Any other contractors", "customer_other_contractors"),
    ("client_contacts", "Providers of advertising services", "client_advertising"),
    ("client_contacts", "Financial institutions", "client_financial_institutions"),
    ("client_contacts", "Providers of vehicle operating services", "vehicle_operation"),
    ("client_contacts", "The Company's group companies", "group_companies"),
    ("client_contacts", "Providers of client management services", "client_management"),
    ("client_contacts", "Providers of data storage services", "client_data_storage"),
    ("client_contacts", "Providers of data collection services", "client_data_collection"),
    ("client_contacts", "Any other contractors", "client_other_contractors"),
    ("applicants", "Providers of data storage services", "hr_data_storage"),
    ("resignees", "Providers of data storage services", "hr_data_storage"),
    (
        "resignees",
        "Providers of business services related to the employee shareholding association",
        "shareholding_association_services",
    ),
    ("applicants", "Any other contractors", "hr_other_contractors"),
    ("resignees", "Any other contractors", "hr_other_contractors"),
    ("client_contacts", "Others: joint use under the APPI", "group_joint_use"),
]

# §5 "Others", case by case: (the seed's words, exception id, APPI provision).
SEED_EXCEPTIONS: list[tuple[str, str, str]] = [
    ("Cases where you have consented in advance", "prior_consent", "A27(1)"),
    ("in accordance with laws or regulations", "laws_and_regulations", "A27(1)(i)"),
    (
        "protection of the life, body, or property of an individual",
        "life_body_property",
        "A27(1)(ii)",
    ),
    (
        "improving public health or promoting the sound growth of children",
        "public_health_children",
        "A27(1)(iii)",
    ),
    ("cooperation with a state organ, a local government", "state_organs", "A27(1)(iv)"),
    (
        "the third party in question is an academic research institute",
        "academic_research",
        "A27(1)(v)",
    ),
    (
        "succeeded to due to a merger, a company split, a transfer of business",
        "succession",
        "A27(5)(ii)",
    ),
    (
        "Other cases permitted under applicable laws and regulations (joint use)",
        "joint_use_and_other_laws",
        "A27(5)(iii)",
    ),
]

MARKETING_PURPOSES = [
    "product_information_ads",
    "support_information_ads",
    "preference_advertising",
    "campaign_operation",
    "product_development_analysis",
    "website_improvement_analysis",
    "retargeting_advertising",
    "lookalike_advertising",
    "client_notices",
    "client_sales_promotion",
    "marketing_strategy",
]
CARD_AND_SECRETS = {
    "card_number",
    "card_security_code",
    "card_expiry",
    "member_password",
    "client_site_password",
}


def test_example_policy_is_valid(policy: Policy) -> None:
    assert policy.version == "2022-04-01"
    assert policy.effective_from == dt.date(2022, 4, 1)
    assert policy.controller.name.en == "Citizen Systems Japan Co., Ltd."
    assert policy.controller.name.ja == "シチズン・システムズ株式会社"


def test_controller_refers_to_the_corporate_profile(policy: Policy) -> None:
    """§8 gives no address or representative; the file points at the profile, invents no one."""
    assert "corporate profile" in policy.controller.address.en
    assert "corporate profile" in policy.controller.representative.en
    assert "会社概要" in policy.controller.representative.ja


@pytest.mark.parametrize(("group", "seed", "category"), SEED_ITEMS)
def test_r01_every_seed_item_is_a_category_of_its_group(
    shown: dict[str, Any], group: str, seed: str, category: str
) -> None:
    """R-01 inventory: each item §1 lists is declared and collected from its group."""
    assert category in shown["categories"], seed
    assert category in shown["subject_groups"][group]["collects"], seed
    assert shown["categories"][category]["title"]["en"]


def test_r01_no_category_without_a_source_in_the_seed(policy: Policy) -> None:
    """R-01: nothing is collected that the seed does not name."""
    expected = {category for _, _, category in SEED_ITEMS} | set(EXTRA_CATEGORIES)
    assert set(policy.categories) == expected


def test_r01_subject_groups_of_section_1(policy: Policy) -> None:
    assert set(policy.subject_groups) == {
        "customers",
        "client_contacts",
        "applicants",
        "resignees",
        "award_recipients",
        "camera_subjects",
    }
    for gid, group in policy.subject_groups.items():
        assert group.section == f"1.{gid}"


@pytest.mark.parametrize(("section", "seed", "purpose"), SEED_PURPOSES)
def test_r02_every_seed_purpose_is_declared(
    shown: dict[str, Any], section: str, seed: str, purpose: str
) -> None:
    """R-02 purposes declared: each purpose of §2, §12 and §13 is in the file, at its section."""
    declared = shown["purposes"][purpose]
    assert declared["section"] == section, seed
    group = section.split(".")[1] if section.startswith("2.") else "customers"
    assert group in declared["groups"]
    assert declared["categories"]
    assert declared["description"]["ja"]
    assert declared["description"]["en"]


def test_r02_no_purpose_without_a_source_in_the_seed(policy: Policy) -> None:
    assert set(policy.purposes) == {purpose for _, _, purpose in SEED_PURPOSES}


@pytest.mark.parametrize(("group", "seed", "recipient"), SEED_RECIPIENTS)
def test_every_recipient_type_of_section_5(
    shown: dict[str, Any], group: str, seed: str, recipient: str
) -> None:
    declared = shown["recipients"][recipient]
    assert group in declared["groups"], seed
    assert declared["purposes"]
    assert declared["categories"]
    assert declared["country"] == "JP"


def test_no_recipient_without_a_source_in_the_seed(policy: Policy) -> None:
    assert set(policy.recipients) == {recipient for _, _, recipient in SEED_RECIPIENTS}


@pytest.mark.parametrize(("seed", "exception", "article"), SEED_EXCEPTIONS)
def test_every_provision_exception_of_section_5(
    policy: Policy, seed: str, exception: str, article: str
) -> None:
    assert article in policy.provision_exceptions[exception].appi, seed


def test_r29_group_companies_are_third_parties(policy: Policy) -> None:
    """R-29, GL-G 3-6-1: group companies receive data on consent, unless under joint use."""
    for recipient in policy.recipients.values():
        if recipient.kind == "group_company":
            assert recipient.basis in {"consent", "exception"}
        if recipient.kind == "processor":
            assert recipient.basis == "entrustment"


def test_r31_joint_use_publishes_the_five_items(policy: Policy) -> None:
    """R-31: ① when, ② items, ③ users' scope, ④ purposes, ⑤ the responsible person."""
    joint = [r for r in policy.recipients.values() if r.basis == "joint_use"]
    assert joint
    for recipient in joint:
        assert recipient.kind == "joint_user"
        items = recipient.joint_use
        assert items is not None
        assert items.published_at <= policy.effective_from
        assert items.categories
        assert items.users_scope.ja
        assert items.users_scope.en
        assert items.purposes
        for text in (items.responsible.name, items.responsible.address):
            assert text.ja
            assert text.en
        assert items.responsible.representative.en


def test_r37_published_statement_fields_are_not_empty(policy: Policy) -> None:
    """R-37: name, address, representative; all purposes; request procedures; safety; desk."""
    controller = policy.controller
    for text in (controller.name, controller.address, controller.representative):
        assert text.ja.strip()
        assert text.en.strip()
    assert policy.purposes
    for purpose in policy.purposes.values():
        assert purpose.description.ja.strip()
        assert purpose.description.en.strip()
    assert policy.recipients  # whether third-party provision is a purpose
    assert policy.rights.offered
    assert policy.rights.identity_check
    assert policy.storage_locations
    for location in policy.storage_locations:
        assert location.regime_notes.ja.strip()
        assert location.regime_notes.en.strip()
    assert policy.inquiry_desk.name.ja.strip()
    assert policy.inquiry_desk.form_url.strip()
    assert policy.inquiry_desk.channels


def test_r45_fees_only_for_requests_a38_allows(policy: Policy) -> None:
    assert set(policy.rights.fees_jpy) <= FEE_ALLOWED
    appi = {"purpose_notice", "disclosure", "provision_records", "correction"}
    assert appi | {"suspension", "erasure", "provision_stop"} <= set(policy.rights.offered)
    assert {"portability", "objection", "restriction"} <= set(policy.rights.offered)


def test_r08_the_seed_lists_no_special_care_item(policy: Policy) -> None:
    """R-08: the seed lists no special-care item, so none is flagged (lint covers the rule)."""
    assert not [cid for cid, c in policy.categories.items() if c.special_care]


def test_r10_g03_minors_thresholds(policy: Policy) -> None:
    """R-10 / G-03: guardian consent below 15 in Japan and 16 in the EU."""
    assert policy.minors.thresholds == {"JP": 15, "EU": 16}
    assert policy.minors.default_jurisdiction == "JP"


def test_r62_access_logs_have_the_three_purposes_of_section_13(policy: Policy) -> None:
    """R-62: statistics, server troubleshooting, member linkage; nothing else."""
    uses = policy.access_logs.uses
    assert {uid: use.purposes for uid, use in uses.items()} == {
        "statistics": ["access_log_statistics"],
        "troubleshooting": ["server_troubleshooting"],
        "member_linkage": ["member_linkage"],
    }
    assert [use.section for use in uses.values()] == ["13.(i)", "13.(ii)", "13.(iii)"]
    log_purposes = {p for use in uses.values() for p in use.purposes}
    for cid in policy.access_logs.categories:
        assert policy.categories[cid].personally_referable
        assert {pid for pid, p in policy.purposes.items() if cid in p.categories} == log_purposes


def test_r63_cookie_categories_and_their_consent(policy: Policy) -> None:
    """R-63 / G-20: (i) continuity, (ii) statistics, (iii) advertising and their gates."""
    cookies = policy.cookies
    assert set(cookies) == {"continuity", "statistics", "advertising"}
    assert (cookies["continuity"].consent_eu, cookies["continuity"].consent_jp) == (
        "not_required",
        "not_required",
    )
    assert (cookies["statistics"].consent_eu, cookies["statistics"].consent_jp) == (
        "required",
        "opt_out",
    )
    assert (cookies["advertising"].consent_eu, cookies["advertising"].consent_jp) == (
        "required",
        "required",
    )
    for cid in ("cookie_activity", "cookie_environment", "cookie_attributes"):
        assert policy.categories[cid].personally_referable


@pytest.mark.parametrize(
    "purpose", ["preference_advertising", "retargeting_advertising", "lookalike_advertising"]
)
def test_g02_advertising_by_preferences_and_lookalikes_needs_consent(
    policy: Policy, purpose: str
) -> None:
    assert policy.purposes[purpose].consent == "required"
    assert policy.purposes[purpose].consent_version == "2022-04-01"
    assert policy.purposes[purpose].legal_basis.gdpr == "consent"


@pytest.mark.parametrize(
    "purpose",
    [
        "product_information_ads",
        "support_information_ads",
        "client_notices",
        "client_sales_promotion",
    ],
)
def test_g10_direct_marketing_is_opt_out(policy: Policy, purpose: str) -> None:
    assert policy.purposes[purpose].consent == "opt_out"


def test_g01_legitimate_interests_have_an_assessment(policy: Policy) -> None:
    for purpose in policy.purposes.values():
        if purpose.legal_basis.gdpr == "legitimate_interests":
            assert purpose.legal_basis.lia


def test_pci_3_3_1_card_security_code_is_never_stored(policy: Policy) -> None:
    """PCI DSS 3.3.1: the security code is never stored and has no retention rule."""
    assert policy.categories["card_security_code"].storage == "never"
    assert policy.categories["card_security_code"].lookup is None
    for rule in policy.retention.values():
        assert "card_security_code" not in rule.categories
    users = {pid for pid, p in policy.purposes.items() if "card_security_code" in p.categories}
    assert users == {"invoicing_payment"}
    receivers = {r for r, x in policy.recipients.items() if "card_security_code" in x.categories}
    assert receivers == {"payment_services", "ec_site_operation"}


def test_pci_3_5_1_card_number_is_a_token_and_a_property_damage_item(policy: Policy) -> None:
    """PCI DSS 3.5.1 and R-48(3): card numbers are tokenised and deleted when pseudonymising."""
    assert policy.categories["card_number"].storage == "token"
    assert policy.categories["card_number"].deid == "property_damage"


def test_passwords_are_never_stored(policy: Policy) -> None:
    for cid in ("member_password", "client_site_password"):
        assert policy.categories[cid].storage == "never"


@pytest.mark.parametrize("purpose", MARKETING_PURPOSES)
def test_marketing_purposes_use_no_card_data_or_secrets(policy: Policy, purpose: str) -> None:
    assert not set(policy.purposes[purpose].categories) & CARD_AND_SECRETS


def test_r15_role_scopes(policy: Policy) -> None:
    """R-15: the privacy office sees all; marketing no card data; the analyst works narrowly."""
    assert policy.role_categories("privacy_office") == list(policy.categories)
    assert not set(policy.role_categories("marketing")) & CARD_AND_SECRETS
    assert set(policy.role_groups("hr")) == {"applicants", "resignees"}
    assert "security_video" in policy.role_categories("facilities_security")
    assert policy.role_groups("sales") == ["client_contacts"]
    identifying = {"direct_identifier", "identification_code", "property_damage"}
    for cid in policy.role_categories("analyst"):
        assert policy.categories[cid].deid not in identifying, cid


def test_star_scopes_are_expanded_in_show(shown: dict[str, Any], policy: Policy) -> None:
    office = shown["roles"]["privacy_office"]
    assert office["groups"] == sorted(policy.subject_groups)
    assert office["categories"] == sorted(policy.categories)
    assert office["purposes"] == sorted(policy.purposes)


def test_lookups_for_email_and_phone(policy: Policy) -> None:
    lookups = {cid: c.lookup for cid, c in policy.categories.items() if c.lookup}
    assert lookups == {"email": "email", "phone": "phone"}


def test_r12_every_stored_category_has_a_retention_rule(policy: Policy) -> None:
    covered = {cid for rule in policy.retention.values() for cid in rule.categories}
    stored = {cid for cid, c in policy.categories.items() if c.storage != "never"}
    assert stored == covered


@pytest.mark.parametrize(
    ("rule", "duration", "clock", "event"),
    [
        ("recordings", "P1Y", "collected_at", None),
        ("applicants_not_hired", "P1Y", "event", "applicant_not_hired"),
        ("security_video", "P30D", "collected_at", None),
        ("web_logs", "P13M", "collected_at", None),
        ("card_data", "P0D", "event", "payment_relationship_ended"),
    ],
)
def test_r12_retention_defaults(
    policy: Policy, rule: str, duration: str, clock: str, event: str | None
) -> None:
    declared = policy.retention[rule]
    assert (declared.duration, declared.clock, declared.event) == (duration, clock, event)


def test_r13_resignee_records_keep_the_legal_minimum(policy: Policy) -> None:
    """R-13: Labour Standards Act Arts 109 and 143: five years, never shortened."""
    rule = policy.retention["resignee_records"]
    assert rule.legal_minimum == "P5Y"
    assert months(rule.duration) >= months(rule.legal_minimum)
    assert "Labour Standards Act" in rule.why
    for rule in policy.retention.values():
        if rule.legal_minimum:
            assert months(rule.duration) >= months(rule.legal_minimum)


def test_every_retention_rule_has_a_comment_and_a_reason(policy: Policy, example_text: str) -> None:
    lines = example_text.splitlines()
    start = lines.index("retention:")
    for rid, rule in policy.retention.items():
        position = lines.index(f"  {rid}:", start)
        assert lines[position - 1].startswith("  #"), rid
        assert len(rule.why) > 20, rid


def test_japanese_titles_are_japanese(policy: Policy) -> None:
    texts = [c.title for c in policy.categories.values()] + [
        p.title for p in policy.purposes.values()
    ]
    for text in texts:
        assert any(ord(char) > 0x3000 for char in text.ja), text.ja
