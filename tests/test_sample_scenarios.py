"""The sample scenarios (``sample_data/scenarios.yaml``): the generator, reading them,
writes exactly the files whose hashes are recorded here, and a wrong field in them stops it
with an error naming the area, wave and field.

The generator runs once for the module, into a temporary folder."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from instruments.catalogue import Catalogue
from survey.ingest.sample import SAMPLE_DIR

GENERATOR = SAMPLE_DIR / "generate.py"
SCENARIOS = SAMPLE_DIR / "scenarios.yaml"

# `sha256sum *.csv` in sample_data/ as committed. A change to the generator or to the
# scenarios that changes any file must update this table (and the files) on purpose.
_SUMS = """
3adc487a8566214f999b53ba3db9f096eed8c50cd74a301ede4d6fd170c5f3bc  ASH_2025-1_staff_survey.csv
625865e0258e8d7a9747e126adc49a06b093e61ce6a42cda58293c596fd4de37  ASH_2025-1_stakeholder_interview.csv
d53414199534f849fa0c00f9f3adcceb428d651e2e280844436e792168643346  ASH_2025-1_workshop.csv
1a0870b0b84171ae0fd48e5e9f507d1919e7b3423e8723df3c4e0e67b23a5ef1  BRK_2025-1_staff_survey.csv
8075d88a8d7c6b725680db8d6b702e1fb70d44d621a0f7002370d92697194fbf  BRK_2025-1_stakeholder_interview.csv
4b7309fb714709b1c32414df690850a50f9639624114fb66ab7a0ac8116e1bdf  BRK_2025-1_workshop.csv
59c36ef7844774797fb0c1b4d5289014dcb2a4b3bd8939c3786c29841d4d01c2  CLD_2025-1_staff_survey.csv
5a491b8b4f2b4203bd7e4440356b60b256f488b864d396c87d01f987350f8cf2  CLD_2025-1_stakeholder_interview.csv
4ec54dab57710f69422027336285eb0c84cf182c7d30f6df74d8c836e413771f  CLD_2025-1_workshop.csv
812c77ef87ad8df4d8ac7df6e4c086109063e887c3fa8531e2eefb447f172e66  DUN_2025-1_staff_survey.csv
b092b6e1478a4971904cf5d6dd504fa7932abd6f86a268c73eb37150c100ad20  DUN_2025-1_stakeholder_interview.csv
0bcf27c267c46d24a2cd6720fa5aa872c3b171876ec66024cf2b0250d775c379  DUN_2025-1_workshop.csv
32ff9c9d32cfae724fc67d8b050dd87458966817e913bc41f6cf3a1931b16a42  ELM_2025-1_staff_survey.csv
58e67f0119afcc81410ea5a4677de757f2da1100c04af6436bd9c525e8566910  ELM_2025-1_stakeholder_interview.csv
4fe75789b36cbebee5f914d5469cc3509d881e03a92fb319a0363da2966cf5ff  ELM_2025-1_workshop.csv
7a03bade74c36132220798f61c5851ad34bc9e8b06971df680a1cc435ab37300  FEN_2025-1_staff_survey.csv
b87eb09e9788c253e48abd8db114db0e588791e88c413bc73ffc301ebded392b  FEN_2025-1_stakeholder_interview.csv
587debaf0a83770adafdcdc3540b89165b46d71c3963ea55f2c9ee93d3f6beed  FEN_2025-1_workshop.csv
c5b3a758dddb45488f3a49353c03e84c9756d9c489007213534d59b3e5e3a27d  FEN_2026-1_staff_survey.csv
57e4ccd355a5be7d18e88cfd5df9308dc516e5ba512e10e04ff90353c2d79b00  FEN_2026-1_stakeholder_interview.csv
30b3d02fbaaa0e4f40a3ecf6ff926bc3bacbee6d92f060b35be74473f64a7303  FEN_2026-1_workshop.csv
2c6a80c261ddd9e295b2695011e44919e293d3259a96b63a9159bcd70a08dcba  GRY_2025-1_staff_survey.csv
3e5a8777c6f65b18fd67f7225b72c0405c7ace882eda8ae51ceb3baa53908199  GRY_2025-1_stakeholder_interview.csv
746448653627176abba6729a55651a559a2d759f11ff18f125e96e4390e79cd2  GRY_2025-1_workshop.csv
b0a30563d8ca4ad33fd88d084a0a9702ad54a23d7d43768ba2a9238d8de5573c  GRY_2026-1_staff_survey.csv
33a99e9f83f522455b1786cb274261c9d943d79a8935cd611a983b7f70ac16de  GRY_2026-1_stakeholder_interview.csv
e14bb1d01ea8176152f8050dc5ca38508da50bc2c56c51971205d633f4b42768  GRY_2026-1_workshop.csv
b623b23ec33d7a78470af4208a512ea94040f0199a7613444e46b71ee7fbb1a3  HRB_2025-1_staff_survey.csv
3165648574a8b8ef75d7ef30fce24815f8173e9af5a3dd3c2da37ee1156c1464  HRB_2025-1_stakeholder_interview.csv
e59434c38ef8e16f078b274cb023866b5ae5fe4c0d155bc2eea93a18706739a6  HRB_2025-1_workshop.csv
331747f8f42af3c7b19f63ef2bec51a3b9adde73d3ab53bac8a9ba13a1b0306d  KES_2025-1_staff_survey.csv
b539f6c4bd0af719563561975c1df36af5df89768aa80a87c8f9f5accc31c0e7  KES_2025-1_stakeholder_interview.csv
2d372b96398c4c161bf52b0ec6aee7457f74e6a858691dbe92f9eaa0ab1109b2  KES_2025-1_workshop.csv
06b78f3fd29127867ffa410709b65ab545851201285d38040a98d72507a4627b  LRK_2025-1_staff_survey.csv
c382445c21ddc66982157eb60ac92adbc2e5e2a4557281a65b3c64710a5a026f  LRK_2025-1_stakeholder_interview.csv
c911b6036da22424a7cb1f32a1736b7c1fa28edb7bc646a31284fce54234a776  LRK_2025-1_workshop.csv
bccd08f5eff98e4942f9a5ee8bef70d5b79969e9b642a29f20e6bbf9802f54d8  MRL_2025-1_staff_survey.csv
585df449d65efd76119adf835e1dcda171eb855e5cc7ef87a32ad3857cac972d  MRL_2025-1_stakeholder_interview.csv
6197c4ec0d49b8bbc0362e6fe69e4fbf0b81879912bfb9cec2efe7ef0c0cad82  MRL_2025-1_workshop.csv
d33c9a4fbc09663bd53db80addc280a276b0f61dba599a863791c5423471fdb2  WRN_2026-1_staff_survey.csv
9ba8997014fdd97fb24b2fa96892219c67cc698690fd3b48f699e491a7cf4365  WRN_2026-1_stakeholder_interview.csv
5029b6d1beca13d743dd165e924818e100169e42fdddde645f181a9904ff56a6  WRN_2026-1_workshop.csv
8625e2b27e3a565cabac308885c17771faf2e1396bb9ed7ba93248f6d4ee41e5  manifest.csv
"""  # noqa: E501
EXPECTED_SHA256 = {
    name: digest for digest, name in (line.split("  ", 1) for line in _SUMS.strip().splitlines())
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def generator() -> Iterator[ModuleType]:
    """``sample_data/generate.py`` imported by path (``sample_data`` is not a package)."""
    spec = importlib.util.spec_from_file_location("sample_data_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # the models' type hints are resolved through it
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def generated(
    generator: ModuleType, catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    folder = tmp_path_factory.mktemp("scenarios")
    generator.generate(folder, catalogue=catalogue)
    return folder


def test_generated_files_have_the_recorded_hashes(generated: Path) -> None:
    made = {p.name: _sha256(p) for p in sorted(generated.glob("*.csv"))}
    assert sorted(made) == sorted(EXPECTED_SHA256), "the generator makes a different set of files"
    changed = [name for name, digest in EXPECTED_SHA256.items() if made[name] != digest]
    assert not changed, (
        f"generated files differ from the recorded hashes: {changed}. If the change is "
        "intended, regenerate sample_data/ and update EXPECTED_SHA256 and the README"
    )


def test_the_shipped_files_have_the_recorded_hashes() -> None:
    shipped = {p.name: _sha256(p) for p in sorted(SAMPLE_DIR.glob("*.csv"))}
    assert shipped == EXPECTED_SHA256


def test_every_area_and_wave_in_the_scenarios_is_in_the_manifest(
    generator: ModuleType, catalogue: Catalogue, generated: Path
) -> None:
    plans = generator.load_plans(SCENARIOS, catalogue)
    waves = {(a.code, a.name, w.wave) for a in plans for w in a.waves}
    with (generated / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        manifest = {(e["area"], e["area_name"], e["wave"]) for e in csv.DictReader(fh)}
    assert waves == manifest


# (what is edited in scenarios.yaml: old text, new text), and where the error must point.
BROKEN = {
    "unknown pillar": (
        "pillars: {culture: 3.7, technology: 3.7, change_readiness: 3.8}",
        "pillars: {cultur: 3.7, technology: 3.7, change_readiness: 3.8}",
        ("CLD", "2025-1", "pillars"),
        "unknown Likert pillar 'cultur'",
    ),
    "negative n": (
        "n: 150\n",
        "n: -150\n",
        ("CLD", "2025-1", "n"),
        "greater than 0",
    ),
    "level out of range": (
        "pillars: {culture: 2.7,",
        "pillars: {culture: 7.2,",
        ("FEN", "2025-1", "pillars.culture"),
        "less than or equal to 5",
    ),
    "unknown sector in a trust pair": (
        "{rater: police, target: mental_health, value: 4.5}",
        "{rater: polis, target: mental_health, value: 4.5}",
        ("ELM", "2025-1", "trust_pairs"),
        "unknown sector 'polis'",
    ),
    "unknown theme in a later wave": (
        "          - quick_wins\n",
        "          - quik_wins\n",
        ("FEN", "2026-1", "themes"),
        "unknown theme 'quik_wins'",
    ),
    "misspelt field": (
        "        co_located: 0.55\n",
        "        colocated: 0.55\n",
        ("MRL", "2025-1", "colocated"),
        "Extra inputs are not permitted",
    ),
    "bad default": (
        "  caution: 0.12\n",
        "  caution: -0.12\n",
        ("BRK", "2025-1", "caution"),
        "(value from defaults)",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_wrong_field_is_named_by_area_wave_and_field(
    case: str, generator: ModuleType, catalogue: Catalogue, tmp_path: Path
) -> None:
    old, new, (area, wave, field), problem = BROKEN[case]
    text = SCENARIOS.read_text(encoding="utf-8")
    assert old in text, f"the test's edit no longer applies to scenarios.yaml: {old!r}"
    broken = tmp_path / "scenarios.yaml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(generator.ScenarioError) as caught:
        generator.load_plans(broken, catalogue)
    err = caught.value
    assert (err.area, err.wave, err.field) == (area, wave, field)
    assert f"area {area}, wave {wave}, field {field!r}: " in str(err)
    assert problem in str(err)
