"""``hogo policy render``: the published policy, in Japanese or English, Markdown or HTML (R-37)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hogo.cli.policy import policy_app
from hogo.policy.model import Policy, StorageLocation, Text
from hogo.policy.render import render_policy, statement_fields
from hogo.policy.wording import Format, Lang

runner = CliRunner()
BOTH = [(lang, fmt) for lang in Lang for fmt in Format]
APPI_TERMS = [
    "個人情報",
    "利用目的",
    "第三者提供",
    "委託",
    "共同利用",
    "開示等の請求",
    "仮名加工情報",
    "匿名加工情報",
    "保有個人データ",
    "安全管理措置",
]


class Outline(HTMLParser):
    """The tags of a page, its <html lang> and its <h2> texts; fails on a stray end tag."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.lang: str | None = None
        self.h2: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag not in {"meta", "br"}:
            self.open.append(tag)
        if tag == "h2":
            self.h2.append("")

    def handle_endtag(self, tag: str) -> None:
        assert self.open[-1:] == [tag], f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] == "h2":
            self.h2[-1] += data


@pytest.mark.parametrize(("lang", "fmt"), BOTH)
def test_render_has_the_fifteen_numbered_sections(policy: Policy, lang: Lang, fmt: Format) -> None:
    text = render_policy(policy, lang, fmt)
    marks = [f"## {n}. " if fmt is Format.md else f"<h2>{n}. " for n in range(1, 16)]
    positions = [text.index(mark) for mark in marks]
    assert positions == sorted(positions)


@pytest.mark.parametrize("lang", list(Lang))
def test_html_is_well_formed_with_lang_and_an_h2_per_section(policy: Policy, lang: Lang) -> None:
    outline = Outline()
    outline.feed(render_policy(policy, lang, Format.html))
    outline.close()
    assert outline.open == []
    assert outline.lang == lang.value
    assert [h.split(".")[0] for h in outline.h2] == [str(n) for n in range(1, 16)]


def test_english_render_names_every_group_purpose_and_recipient(policy: Policy) -> None:
    text = render_policy(policy, Lang.en, Format.md)
    titles = [g.title.en for g in policy.subject_groups.values()]
    titles += [p.title.en for p in policy.purposes.values()]
    titles += [r.title.en for r in policy.recipients.values()]
    assert [title for title in titles if title not in text] == []
    assert "Joint use (APPI Art. 27(5)(iii))" in text
    assert "(b) performance of a contract" in text


def test_japanese_render_uses_the_japanese_titles_and_appi_terms(policy: Policy) -> None:
    text = render_policy(policy, Lang.ja, Format.md)
    titles = [g.title.ja for g in policy.subject_groups.values()]
    titles += [p.title.ja for p in policy.purposes.values()]
    titles += [r.title.ja for r in policy.recipients.values()]
    assert [title for title in titles if title not in text] == []
    assert [term for term in APPI_TERMS if term not in text] == []
    assert "Confirming orders" not in text


def test_render_shows_legal_bases_joint_use_cookies_minors_and_version(policy: Policy) -> None:
    """The legal basis of each purpose, the five joint-use items (R-31), each cookie tag's
    destination (R-60), access-log uses (R-62), minors' ages (R-10) and the version."""
    text = render_policy(policy, Lang.ja, Format.md)
    for purpose in policy.purposes.values():
        assert purpose.legal_basis.appi in text
    assert "共同して利用する者の範囲" in text
    assert "個人データの管理について責任を有する者" in text
    for category in policy.cookies.values():
        for tag in category.tags.values():
            assert f"| {tag.destination} |" in text
            assert tag.recipient.ja in text
    for use in policy.access_logs.uses.values():
        assert use.title.ja in text
    assert "15 歳未満" in text
    assert "版: 2022-04-01" in text
    assert "施行日: 2022年4月1日" in text


@pytest.mark.parametrize(("lang", "fmt"), BOTH)
def test_r37_statement_fields_are_non_empty_and_published(
    policy: Policy, lang: Lang, fmt: Format
) -> None:
    """R-37: company name, address, representative, all purposes, request procedures and fees,
    safety measures with foreign countries, and the complaint desk are in the published text."""
    text = render_policy(policy, lang, fmt)
    fields = statement_fields(policy, lang)
    assert set(fields) == {
        "company_name",
        "address",
        "representative",
        "purposes",
        "request_procedures",
        "fees",
        "safety_measures",
        "complaint_desk",
    }
    for name, values in fields.items():
        assert values, name
        for value in values:
            assert value.strip(), name
            shown = value if fmt is Format.md else value.replace("'", "&#39;")
            assert shown in text, (name, value)
    assert len(fields["purposes"]) == len(policy.purposes)


def test_r22_foreign_storage_countries_are_named(policy: Policy) -> None:
    """R-22/R-37: a storage location abroad is named with its regime in the safety measures."""
    abroad = StorageLocation(
        system="analytics warehouse",
        country="US",
        groups=["customers"],
        regime_notes=Text(ja="米国には包括的な連邦法がありません。", en="No federal privacy law."),
        reviewed_at=policy.effective_from,
    )
    changed = policy.model_copy(update={"storage_locations": [*policy.storage_locations, abroad]})
    assert "個人データを保管する外国: アメリカ合衆国" in render_policy(changed, Lang.ja)
    english = render_policy(changed, Lang.en)
    assert "Foreign countries in which personal data is stored: United States" in english
    assert "No federal privacy law." in english
    assert "なし（日本国内でのみ保管しています）" in render_policy(policy, Lang.ja)


def test_html_escapes_policy_text(policy: Policy) -> None:
    name = Text(ja="<b>株式会社</b>", en="<script>x</script> & Co.")
    controller = policy.controller.model_copy(update={"name": name})
    changed = policy.model_copy(update={"controller": controller})
    html = render_policy(changed, Lang.en, Format.html)
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; Co." in html
    assert "<script>x</script> & Co." in render_policy(changed, Lang.en, Format.md)


def test_cli_renders_to_stdout_and_to_a_file(example_path: Path, tmp_path: Path) -> None:
    result = runner.invoke(policy_app, ["render", str(example_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Privacy Policy\n")
    out = tmp_path / "policy.html"
    args = ["render", str(example_path), "--lang", "ja", "--format", "html", "--out", str(out)]
    result = runner.invoke(policy_app, args)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith('<!DOCTYPE html>\n<html lang="ja">')


def test_cli_refuses_a_bad_policy_in_one_line(example_text: str, tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(example_text.replace("  k: 5", "  k: 1"), encoding="utf-8")
    result = runner.invoke(policy_app, ["render", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "deid.k" in result.stderr


def test_cli_rejects_an_unknown_language(example_path: Path) -> None:
    result = runner.invoke(policy_app, ["render", str(example_path), "--lang", "fr"])
    assert result.exit_code != 0
