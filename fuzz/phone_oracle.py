#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks omnictx's phone normalizer against python3-phonenumbers.

Feeds a few thousand seeded, generated phone strings (example numbers of
many regions in every format, with separators, mutations, and the inputs
omnictx refuses on purpose) to both omnictx_phone_normalize (the C++
normalizer as a filter) and python-phonenumbers (parse, is_valid_number,
format E.164), then classifies each answer:

  agree            both accept with the same E.164, or both refuse
  expected         a documented difference: omnictx refuses extensions,
                   letters, short codes, placeholders, more than 15 digits,
                   control characters, numbers possible only locally and
                   unusual punctuation that the parser forgives (FACTS.md
                   "libphonenumber limits"); it accepts possible numbers
                   that are not (yet) valid, Unicode spaces and dashes, and
                   "00" as the international prefix without a region
  unexpected       anything else: a different E.164, or a valid number
                   refused for another reason

Exits 1 if any answer is unexpected. Usage:
  phone_oracle.py --normalizer PATH [--count 4000] [--seed 8]
"""
import argparse
import collections
import random
import subprocess
import sys

try:
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType
except ImportError:
    sys.exit("phone_oracle: python3-phonenumbers is missing (scripts/setup.sh installs it)")

TYPES = [PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.TOLL_FREE,
         PhoneNumberType.VOIP, PhoneNumberType.PERSONAL_NUMBER, PhoneNumberType.UAN]
SEPARATORS = [" ", ".", "-", "/", "\u00a0", "\u2013", "\u202f"]
# Refusals omnictx documents (identity/normalize.h) for inputs the parser
# accepts.
DELIBERATE = {
    "phone: letters not allowed": "letters",
    "phone: extensions are not identities": "extension",
    "phone: short or emergency code": "short code",
    "identity: blocked placeholder value": "placeholder",
    "phone: more than 15 digits": "over 15 digits",
    "phone: control character": "control character",
    "phone: too long": "over 64 bytes",
    "phone: national format needs a region (Options.default_region or +CC)": "needs region",
}
PLAIN = set("0123456789+ .-()/")


def library_versions():
    versions = {"python3-phonenumbers": phonenumbers.__version__}
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libphonenumber8"],
                             capture_output=True, text=True, check=False)
        versions["libphonenumber8 (omnictx)"] = out.stdout.strip() or "unknown"
    except OSError:
        versions["libphonenumber8 (omnictx)"] = "unknown"
    return versions


def generate(rng, count):
    """Yields (region, raw) pairs; region "" means none."""
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    made = 0
    while made < count:
        region = rng.choice(regions)
        example = phonenumbers.example_number_for_type(region, rng.choice(TYPES))
        if example is None:
            continue
        fmt = rng.choice([PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL,
                          PhoneNumberFormat.NATIONAL, PhoneNumberFormat.NATIONAL])
        raw = phonenumbers.format_number(example, fmt)
        digits = [c for c in raw]
        kind = rng.randrange(12)
        if kind == 0:  # change one digit
            pos = [i for i, c in enumerate(digits) if c.isdigit()]
            digits[rng.choice(pos)] = str(rng.randrange(10))
            raw = "".join(digits)
        elif kind == 1:  # drop a digit
            pos = [i for i, c in enumerate(digits) if c.isdigit()]
            del digits[rng.choice(pos)]
            raw = "".join(digits)
        elif kind == 2:  # add digits
            raw += str(rng.randrange(10)) * rng.randrange(1, 4)
        elif kind == 3:  # other separators
            sep = rng.choice(SEPARATORS)
            raw = raw.replace(" ", sep)
        elif kind == 4:  # the ITU prefix instead of '+'
            raw = phonenumbers.format_number(example, PhoneNumberFormat.E164).replace("+", "00")
        elif kind == 5:  # deliberate refusals
            raw = rng.choice([raw + " ext. 12", raw + " x3", raw + "#7", raw.replace("2", "A"),
                              "+" + raw.lstrip("+"), "++" + raw.lstrip("+"),
                              raw + "\n", "112", "3115", "15", "0000000000",
                              "+" + "1" * 17, "anonymous"])
        elif kind == 6:  # random digits
            raw = rng.choice(["", "+", "0", "00"]) + "".join(
                str(rng.randrange(10)) for _ in range(rng.randrange(3, 17)))
        elif kind == 7:  # parentheses around the area code
            raw = raw.replace(" ", " (", 1).replace(" ", ") ", 2) if raw.count(" ") > 1 else raw
        # Mostly in the number's own region; sometimes none, sometimes another.
        pick = rng.randrange(10)
        given = region if pick < 7 else ("" if pick < 9 else rng.choice(regions))
        yield given, raw
        made += 1


def omnictx_answers(normalizer, cases):
    request = "".join(f"{r}\t{raw.encode('utf-8').hex()}\n" for r, raw in cases)
    out = subprocess.run([normalizer], input=request, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    if len(out) != len(cases):
        sys.exit(f"phone_oracle: {len(out)} answers for {len(cases)} inputs")
    return [tuple(line.split("\t", 1)) for line in out]


def oracle(region, raw):
    """Returns (valid, possible, e164) from python-phonenumbers, or None."""
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException:
        return None
    return (phonenumbers.is_valid_number(number), phonenumbers.is_possible_number(number),
            phonenumbers.format_number(number, PhoneNumberFormat.E164))


def plain_punctuation(raw):
    """True if the input holds only what omnictx accepts as punctuation."""
    body = raw.strip(" ")
    for sep in SEPARATORS[4:]:
        body = body.replace(sep, " ")
    if any(c not in PLAIN for c in body):
        return False
    plus = body.find("+")
    first_digit = next((i for i, c in enumerate(body) if c.isdigit()), len(body))
    return body.count("+") <= 1 and (plus == -1 or plus < first_digit)


def unicode_to_spaces(raw):
    for sep in SEPARATORS[4:]:
        raw = raw.replace(sep, " ")
    return raw


def local_only(region, raw):
    """True if phonenumbers calls the number possible only locally."""
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException:
        return False
    return (phonenumbers.is_possible_number_with_reason(number)
            == phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY)


def classify(region, raw, ours):
    status, value = ours
    theirs = oracle(region, raw)
    if status == "OK":
        if theirs and theirs[0]:
            return ("agree", "both accept") if theirs[2] == value else (
                "unexpected", f"E.164 differs: omnictx {value}, phonenumbers {theirs[2]}")
        check = oracle("", value)  # what phonenumbers says about our answer
        if theirs and theirs[1] and theirs[2] == value:
            return "expected", "possible but not valid (accepted: new ranges)"
        spaced = oracle(region, unicode_to_spaces(raw)) if theirs is None else None
        if spaced and spaced[1] and spaced[2] == value:
            return "expected", "Unicode spaces and dashes read as separators"
        if theirs is None and not region and raw.strip().startswith("00") and check and check[1]:
            return "expected", "00 read as the international prefix without a region"
        if theirs and not region and raw.strip().startswith("00") and check and check[1]:
            return "expected", "00 read as the international prefix without a region"
        return "unexpected", f"omnictx accepts {value}; phonenumbers: {theirs}"
    if not (theirs and theirs[0]):
        return "agree", "both refuse"
    reason = DELIBERATE.get(value)
    if reason:
        return "expected", "refused on purpose: " + reason
    if value == "phone: malformed" and not plain_punctuation(raw):
        return "expected", "refused on purpose: punctuation the parser forgives"
    if value == "phone: not a possible number (too short)" and local_only(region, raw):
        return "expected", "refused on purpose: possible only locally (no area code)"
    return "unexpected", f"valid number {theirs[2]} refused: {value}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--normalizer", required=True)
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    versions = library_versions()
    print("phone_oracle: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    rng = random.Random(args.seed)
    cases = list(generate(rng, args.count))
    answers = omnictx_answers(args.normalizer, cases)
    verdicts = collections.Counter()
    reasons = collections.Counter()
    unexpected = []
    for (region, raw), ours in zip(cases, answers):
        verdict, reason = classify(region, raw, ours)
        verdicts[verdict] += 1
        reasons[(verdict, reason if verdict != "unexpected" else "see below")] += 1
        if verdict == "unexpected":
            unexpected.append((region, raw, ours, reason))
    total = len(cases)
    print(f"phone_oracle: {total} inputs (seed {args.seed}): "
          + ", ".join(f"{v} {verdicts[v]} ({100.0 * verdicts[v] / total:.1f}%)"
                      for v in ("agree", "expected", "unexpected")))
    for (verdict, reason), n in sorted(reasons.items(), key=lambda x: (x[0][0], -x[1])):
        print(f"  {verdict:10} {n:5}  {reason}")
    for region, raw, ours, reason in unexpected[:25]:
        print(f"  UNEXPECTED region={region or '-'} input={raw!r}: {reason}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
