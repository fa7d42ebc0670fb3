"""The design brief's patterns 1-4 and 7 as checks on simulated series (pattern-oriented modelling).

Each check takes the wide series of one run (quarter x indicator) and returns what failed (an empty list when the
pattern holds), so that the same checks serve the baseline, which must show every pattern in every replication
(tests/test_patterns.py), and the placebos, which must not (tests/test_placebo.py). Thresholds come from the observed
figures in conf/targets/default.yaml where the sources give them. Patterns 5 and 6 need more than one run's series
(a lever or the firms' ties) and stay in tests/test_patterns.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

Check = Callable[[pd.DataFrame], list[str]]


def _yearly(series: pd.Series) -> pd.Series:
    return series.groupby(series.index.str[:4]).sum()


def _failed(conditions: dict[str, bool]) -> list[str]:
    return [name for name, held in conditions.items() if not held]


def pattern1(w: pd.DataFrame) -> list[str]:
    """Central securitization low before 2016, a step up with the 2017 plan (16 vs 48 'security' mentions)."""
    s = w["securitization_central"]
    step = s["2017Q3"] - s["2017Q2"]
    return _failed(
        {
            "low before 2016 (< 0.1)": s.loc[:"2015Q4"].max() < 0.1,
            "2017 plan steps it up by at least 0.15": step >= 0.15,
            "securitized by end-2018 (> 0.5)": s["2018Q4"] > 0.5,
            "the 2016 plan at most half the 2017 plan's level": s["2016Q3"] < 0.5 * s["2017Q3"],
        }
    )


def pattern2(w: pd.DataFrame) -> list[str]:
    """Some provinces issue economically motivated policies before 2016; a surge follows the central plan."""
    policies = w["local_policies"]
    pre_rate = policies["2015Q4"] / 7  # per year, 2009-2015
    return _failed(
        {
            "some provinces before 2016 (1-14)": 1 <= w["provinces_with_policy"]["2015Q4"] < 15,
            "surge in the year around the 2017 plan (> 3x the earlier yearly rate)": policies["2018Q2"] - policies["2017Q2"]
            > 3 * max(pre_rate, 1.0),
            "more than 20 provinces by end-2018": w["provinces_with_policy"]["2018Q4"] > 20,
            "at least 30 policies by end-2018": policies["2018Q4"] >= 30,
            "early policies carry no security framing": w["framing_local"].loc[:"2015Q4"].max() < 0.01,
        }
    )


def pattern3(w: pd.DataFrame) -> list[str]:
    """Local framing stays far below the centre's while most provinces echo the campaign."""
    after = w.loc["2017Q3":]
    return _failed(
        {
            "local framing under half the centre's": bool((after["framing_local"] < 0.5 * after["securitization_central"]).all()),
            "most provinces echo the campaign by the end": after["adoption_local"].iloc[-1] > 0.5,
        }
    )


def pattern4(w: pd.DataFrame) -> list[str]:
    """Security-AI articles near zero before 2016, then rising steeply (CNKI: 68, 250, 708 in 2016-2018)."""
    per_year = _yearly(w["security_articles"])
    return _failed(
        {
            "near zero before 2016 (< 5% of 2018)": per_year.loc[:"2015"].mean() < 0.05 * per_year["2018"],
            "2017 > 1.5 x 2016": per_year["2017"] > 1.5 * per_year["2016"],
            "2018 > 1.5 x 2017": per_year["2018"] > 1.5 * per_year["2017"],
            "2019 at least 0.8 x 2018": per_year["2019"] >= per_year["2018"] * 0.8,
        }
    )


def pattern7(w: pd.DataFrame) -> list[str]:
    """Self-reliance raises the domestic share of inputs and lowers efficiency in the short run (and only there)."""
    d, e = w["domestic_input_share"], w["efficiency"]
    return _failed(
        {
            "domestic share up by 0.2 from 2017Q4 to 2022Q4": d["2022Q4"] > d["2017Q4"] + 0.2,
            "efficiency lower in 2022Q4 than 2017Q4": e["2022Q4"] < e["2017Q4"],
            "learning recovers part of the loss by 2030": e["2030Q4"] > e.min(),
        }
    )


PATTERNS: dict[int, Check] = {1: pattern1, 2: pattern2, 3: pattern3, 4: pattern4, 7: pattern7}


def failures(runs: list[pd.DataFrame]) -> dict[int, list[str]]:
    """Per pattern, what failed in any run (empty lists where the pattern held in every run)."""
    return {k: sorted({f for w in runs for f in check(w)}) for k, check in PATTERNS.items()}
