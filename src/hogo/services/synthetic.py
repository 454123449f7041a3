"""Synthetic subjects for every subject group of a policy (Japanese and English), for demos.

Values come from Faker (``ja_JP`` and ``en_US``); each item is collected for exactly the
purposes of its subject group that list its category, so everything generated is something the
policy allows. Categories the policy never stores (a card security code) are not generated.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from faker import Faker

from hogo.policy.model import Policy
from hogo.vault.items import NewItem, NewSubject

Generator = Callable[[Faker], str]

# Generators for the categories of the seed policy; anything else gets a short sentence.
GENERATORS: dict[str, Generator] = {
    "name": lambda f: f.name(),
    "gender": lambda f: str(f.random_element(["female", "male", "other"])),
    "address": lambda f: f.address().replace("\n", " "),
    "phone": lambda f: f.phone_number(),
    "email": lambda f: f.email(),
    "card_number": lambda f: f.credit_card_number(card_type="visa16"),
    "card_expiry": lambda f: f.credit_card_expire(),
    "member_id": lambda f: f.user_name(),
    "product_number": lambda f: f.bothify("CSJ-####-??").upper(),
    "purchase_date": lambda f: f.date_between("-3y").isoformat(),
    "purchase_store": lambda f: f.company(),
    "company_name": lambda f: f.company(),
    "department": lambda f: f.job(),
    "job_title": lambda f: f.job(),
    "workplace": lambda f: f.city(),
    "bank_account": lambda f: f.bban(),
    "school": lambda f: f.company(),
    "employee_code": lambda f: f.bothify("E######"),
    "occupation": lambda f: f.job(),
    "access_log_ip": lambda f: f.ipv4_public(),
    "access_log_record": lambda f: f"{f.date_time_between('-30d').isoformat()} GET {f.uri_path()}",
    "cookie_activity": lambda f: f"/{f.uri_path()}",
    "cookie_attributes": lambda f: f.random_element(["new visitor", "returning", "member"]),
    "faculty": lambda f: f.word(),
    "term_of_office": lambda f: f"{f.date_between('-12y', '-4y')} – {f.date_between('-3y')}",
    "remuneration": lambda f: f"{f.random_int(300, 2000) * 10_000} JPY",
    "shareholding_contribution": lambda f: f"{f.random_int(1, 10) * 5_000} JPY/month",
    "securities_account": lambda f: f.bothify("###-#######"),
    "shares_held": lambda f: str(f.random_int(10, 5000)),
    "security_video": lambda f: f"video/cam{f.random_int(1, 9)}/{f.date_between('-30d')}.mp4",
    "portrait": lambda f: f"portraits/{f.uuid4()}.jpg",
    "online_service_video": lambda f: f"sessions/{f.uuid4()}.webm",
    "call_recordings": lambda f: f"calls/{f.uuid4()}.opus",
    "cookie_environment": lambda f: f"{f.ipv4_public()} {f.user_agent()}",
    "social_media_username": lambda f: "@" + f.user_name(),
    "registration_date": lambda f: f.date_between("-5y").isoformat(),
    "last_login_at": lambda f: f.date_time_between("-90d").isoformat(),
}

GROUP_WEIGHTS = {"customers": 70, "client_contacts": 12, "applicants": 8, "resignees": 4}
CONSENT_RATE = 0.4
OPT_OUT_RATE = 0.1
MINOR_RATE = 0.05


@dataclass(frozen=True, slots=True)
class SyntheticConsent:
    ref: str
    group: str
    purpose: str
    action: str
    version: str | None
    by_guardian: bool
    guardian_name: str | None


@dataclass(frozen=True, slots=True)
class SyntheticBatch:
    subjects: list[NewSubject]
    consents: list[SyntheticConsent]


class SyntheticPeople:
    """Deterministic (seeded) synthetic subjects with items and consent choices."""

    def __init__(self, policy: Policy, *, seed: int = 0, today: dt.date | None = None) -> None:
        self._policy = policy
        self._random = random.Random(seed)  # noqa: S311 — synthetic data, not secrets
        self._fakers = [Faker("ja_JP"), Faker("en_US")]
        for offset, faker in enumerate(self._fakers):
            faker.seed_instance(seed + offset)
        self._today = today or dt.date.today()
        groups = list(policy.subject_groups)
        self._groups = groups
        self._weights = [GROUP_WEIGHTS.get(group, 2) for group in groups]
        self._purposes_of = {
            (group, category): tuple(
                pid
                for pid, purpose in policy.purposes.items()
                if group in purpose.groups and category in purpose.categories
            )
            for group in groups
            for category in policy.subject_groups[group].collects
        }

    def batches(self, count: int, size: int, *, start: int = 0) -> Iterator[SyntheticBatch]:
        for first in range(start, start + count, size):
            last = min(first + size, start + count)
            yield self._batch(range(first, last))

    def _batch(self, numbers: range) -> SyntheticBatch:
        subjects: list[NewSubject] = []
        consents: list[SyntheticConsent] = []
        for number in numbers:
            subject = self._subject(number)
            subjects.append(subject)
            consents.extend(self._consents(subject))
        return SyntheticBatch(subjects, consents)

    def _subject(self, number: int) -> NewSubject:
        group = self._random.choices(self._groups, self._weights)[0]
        english = self._random.random() < 0.3
        faker = self._fakers[english]
        minor = group == "customers" and self._random.random() < MINOR_RATE
        age = self._random.randint(8, 14) if minor else self._random.randint(18, 85)
        birth_date = self._today - dt.timedelta(days=age * 365 + self._random.randint(0, 364))
        items = [
            NewItem(
                category=category,
                value=self._value(faker, category, birth_date),
                purposes=self._purposes_of[(group, category)],
            )
            for category in self._policy.subject_groups[group].collects
            if self._policy.categories[category].storage != "never"
            and self._purposes_of[(group, category)]
        ]
        return NewSubject(
            group=group,
            ref=f"demo-{number:07d}",
            birth_date=birth_date,
            jurisdiction="EU" if english and self._random.random() < 0.2 else "JP",
            items=items,
        )

    def _value(self, faker: Faker, category: str, birth_date: dt.date) -> str:
        if category == "birth_date":
            return birth_date.isoformat()
        generator = GENERATORS.get(category)
        return generator(faker) if generator else str(faker.sentence(nb_words=6))

    def _consents(self, subject: NewSubject) -> Sequence[SyntheticConsent]:
        age = (self._today - (subject.birth_date or self._today)).days // 365
        choices = []
        for pid, purpose in self._policy.purposes.items():
            if subject.group not in purpose.groups:
                continue
            roll = self._random.random()
            if purpose.consent == "required" and roll < CONSENT_RATE:
                guardian = "保護者 " + subject.ref if age < 16 else None
                choices.append(
                    SyntheticConsent(
                        subject.ref,
                        subject.group,
                        pid,
                        "grant",
                        purpose.consent_version,
                        guardian is not None,
                        guardian,
                    )
                )
            elif purpose.consent == "opt_out" and roll < OPT_OUT_RATE:
                choices.append(
                    SyntheticConsent(subject.ref, subject.group, pid, "opt_out", None, False, None)
                )
        return choices
