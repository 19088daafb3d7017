"""The request model: catalogue-driven validation and the exact API body."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fluxdesk.core import params as P
from fluxdesk.core.request import (
    CustomSize,
    GenerationRequest,
    RequestInvalid,
    build_request,
    validated_request,
)


def test_defaults_match_the_reference() -> None:
    request = validated_request({"prompt": "a red fox"})
    assert request.image_size is P.SizePreset.LANDSCAPE_4_3
    assert request.dimensions == (1024, 768)
    assert request.num_images == 1
    assert request.output_format is P.OutputFormat.JPEG
    assert request.enable_safety_checker is True
    assert request.seed is None


def test_minimal_body_has_only_required_fields() -> None:
    assert validated_request({"prompt": "fox"}).to_api_json() == {"model": "flux-realism", "prompt": "fox"}


def test_full_body_is_exactly_the_api_shape() -> None:
    request = validated_request(
        {
            "prompt": "A T-Rex relaxing on a beach",
            "image_size": {"width": 1472, "height": 512},
            "guidance_scale": "3.5",
            "num_inference_steps": "28",
            "num_images": "4",
            "seed": str(2**63 - 1),
            "output_format": "png",
            "enable_safety_checker": False,
        }
    )
    assert request.to_api_json() == {
        "model": "flux-realism",
        "prompt": "A T-Rex relaxing on a beach",
        "image_size": {"width": 1472, "height": 512},
        "guidance_scale": 3.5,
        "num_inference_steps": 28,
        "enable_safety_checker": False,
        "output_format": "png",
        "num_images": 4,
        "seed": 2**63 - 1,
    }


def test_every_problem_is_reported_at_once_with_field_and_range() -> None:
    request, problems = build_request(
        {
            "prompt": "   ",
            "image_size": {"width": 1000, "height": 2048},
            "guidance_scale": 25,
            "num_inference_steps": 0,
            "num_images": 5,
            "seed": 0,
            "output_format": "gif",
        }
    )
    assert request is None
    by_field = {p.field: p.message for p in problems}
    assert set(by_field) == {
        "prompt",
        "width",
        "height",
        "guidance_scale",
        "num_inference_steps",
        "num_images",
        "seed",
        "output_format",
    }
    assert "512" in by_field["width"] and "1536" in by_field["width"] and "32" in by_field["width"]
    assert "1 to 20" in by_field["guidance_scale"]
    assert "1 to 50" in by_field["num_inference_steps"]
    assert "1 to 4" in by_field["num_images"]
    assert "Seed" in by_field["seed"]
    assert "jpeg or png" in by_field["output_format"]
    with pytest.raises(RequestInvalid) as info:
        validated_request({"prompt": ""})
    assert "Prompt" in str(info.value)


def test_prompt_length_limit() -> None:
    assert build_request({"prompt": "x" * P.PROMPT_MAX_CHARS})[0] is not None
    _, problems = build_request({"prompt": "x" * (P.PROMPT_MAX_CHARS + 1)})
    assert problems and "4000" in problems[0].message


@pytest.mark.parametrize("text", ["1024x768", "1024×768", " 1536 X 512 "])
def test_size_text_forms(text: str) -> None:
    request = validated_request({"prompt": "a", "image_size": text})
    assert isinstance(request.image_size, CustomSize)


def test_strict_types_reject_strings_and_bools() -> None:
    _, problems = build_request({"prompt": "a", "num_images": "2", "seed": True}, strict_types=True)
    assert {p.field for p in problems} == {"num_images", "seed"}


def test_presets_resolve_to_valid_custom_sizes() -> None:
    for preset in P.SizePreset:
        w, h = preset.dimensions
        assert build_request({"prompt": "a", "image_size": {"width": w, "height": h}})[0] is not None


def test_problems_revalidates_a_directly_built_request() -> None:
    bad = GenerationRequest(prompt="a", num_images=9)
    assert [p.field for p in bad.problems()] == ["num_images"]


# --- property-based: the validator agrees with the catalogue's rules everywhere ------

sides = st.integers(min_value=0, max_value=4000)


@given(width=sides, height=sides)
def test_custom_size_rule(width: int, height: int) -> None:
    request, problems = build_request({"prompt": "a", "image_size": {"width": width, "height": height}})
    ok = all(P.SIDE_MIN <= v <= P.SIDE_MAX and v % P.SIDE_STEP == 0 for v in (width, height))
    assert (request is not None) == ok
    if not ok:
        assert all("multiple of 32 from 512 to 1536" in p.message for p in problems)


@given(value=st.one_of(st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True)))
def test_number_rules(value: float) -> None:
    for spec in P.NUMBER_SPECS:
        request, problems = build_request({"prompt": "a", spec.field: value})
        in_range = value == value and spec.minimum <= value <= spec.maximum  # NaN fails
        whole = not spec.integer or float(value).is_integer()
        assert (request is not None) == (in_range and whole), (spec.field, value)
        if request is not None:
            assert getattr(request, spec.field) == value
        else:
            assert problems[0].field == spec.field and spec.label in problems[0].message


@given(seed=st.integers(P.SEED_MIN, P.SEED_MAX))
def test_64_bit_seeds_survive_text_and_json(seed: int) -> None:
    request = validated_request({"prompt": "a", "seed": str(seed)})
    assert request.to_api_json()["seed"] == seed


CONTROL = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} - {"\n", "\t"}


@given(prompt=st.text(min_size=0, max_size=4100))
def test_prompt_rule(prompt: str) -> None:
    request, _ = build_request({"prompt": prompt})
    plain = not CONTROL & set(prompt)
    assert (request is not None) == (bool(prompt.strip()) and len(prompt) <= P.PROMPT_MAX_CHARS and plain)


@pytest.mark.parametrize("control", ["\x1b", "\r", "\x00", "\x7f", "\x9b"])
def test_a_prompt_with_terminal_control_characters_is_refused(control: str) -> None:
    _, problems = build_request({"prompt": f"a fox{control}[2J"})
    assert [p.message for p in problems] == [
        "Prompt: must not contain control characters (other than newline and tab) "
        f"(got {control!r} at position 6)"
    ]
    assert build_request({"prompt": "a fox\n\tin snow"})[0] is not None  # newline and tab are text


@pytest.mark.parametrize("field", [*(s.field for s in P.NUMBER_SPECS), "image_size"])
@pytest.mark.parametrize("blank", ["", " "])
def test_an_empty_text_is_a_wrong_value_not_the_default(field: str, blank: str) -> None:
    _, problems = build_request({"prompt": "a", field: blank})
    assert [(p.field, p.got) for p in problems] == [(field, repr(blank))]


def test_the_request_model_has_one_attribute_per_catalogue_field() -> None:
    names = [f.name for f in dataclasses.fields(GenerationRequest)]
    assert names == [spec.field for spec in P.FIELDS] + ["model"]
    assert set(P.BY_FIELD) == set(validated_request({"prompt": "a"}).to_fields())


def test_one_label_and_one_short_label_per_field() -> None:
    for spec in (*P.FIELDS, *P.SIDE_SPECS):
        assert spec.label and spec.short and len(spec.short) <= len(spec.label), spec.field
    assert len({spec.flag for spec in P.FIELDS}) == len(P.FIELDS)
    assert {s.foreign for s in P.FIELDS if s.foreign} == {"Size", "CFG scale", "Steps", "Seed"}


@given(value=st.one_of(st.integers(-(2**70), 2**70), st.booleans(), st.text(max_size=3)))
def test_the_seed_rule(value: object) -> None:
    ok = type(value) is int and P.SEED_MIN <= value <= P.SEED_MAX  # type: ignore[operator]
    assert P.valid_seed(value) is ok and not P.valid_seed(1.0)
    request, _ = build_request({"prompt": "a", "seed": value}, strict_types=True)
    assert (request is not None) == ok


def test_random_seeds_follow_the_seed_rule() -> None:
    seeds = {P.random_seed() for _ in range(200)}
    assert all(P.valid_seed(s) for s in seeds) and len(seeds) == 200
    assert max(seeds) > P.SEED_MAX // 2  # the upper half is used too (fails once in 2**200)


@given(
    raw=st.fixed_dictionaries(
        {"prompt": st.text(min_size=1, max_size=50).filter(lambda t: t.strip() and not CONTROL & set(t))},
        optional={
            "image_size": st.sampled_from([p.value for p in P.SizePreset]),
            "guidance_scale": st.floats(1, 20),
            "num_inference_steps": st.integers(1, 50),
            "num_images": st.integers(1, 4),
            "seed": st.integers(1, 2**63 - 1),
            "output_format": st.sampled_from(["jpeg", "png"]),
            "enable_safety_checker": st.booleans(),
        },
    )
)
def test_body_round_trips_through_the_strict_server_validation(raw: dict[str, object]) -> None:
    request = validated_request(raw)
    again = validated_request(request.to_api_json(), strict_types=True)
    assert again == request
