"""Each agent type's decision rule: a stronger incentive or signal moves the decision the expected way,
with everything else held fixed (same seed, same state, one input changed)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim.agents.audience import decide_adoption, update_beliefs
from sim.agents.firm import FirmKind, open_domestic_share, unit_cost
from sim.agents.talent import Location
from sim.agents.third_country import Endorsement


def twin(model):
    """An identical copy of a model, random stream included, to change one input in."""
    return copy.deepcopy(model)


# --- the shared audience rule --------------------------------------------------------------------
def test_stronger_central_message_raises_belief(small_model):
    p = small_model().config.public.audience
    belief = np.full(5, 0.2)
    low = update_beliefs(belief, belief, 0.2, message=0.3, reach=1.0, rally=0.0, p=p)
    high = update_beliefs(belief, belief, 0.2, message=0.9, reach=1.0, rally=0.0, p=p)
    assert np.all(high > low)


def test_wider_reach_pulls_belief_closer_to_the_message(small_model):
    p = small_model().config.local.audience
    belief = np.full(3, 0.1)
    near = update_beliefs(belief, belief, 0.1, message=0.8, reach=np.array([0.2, 1.0, 3.0]), rally=0.0, p=p)
    assert near[0] < near[1] < near[2]


def test_sanction_news_rallies_belief(small_model):
    p = small_model().config.firms.audience
    belief = np.full(4, 0.3)
    assert np.all(update_beliefs(belief, belief, 0.3, 0.3, 1.0, 1.0, p) > update_beliefs(belief, belief, 0.3, 0.3, 1.0, 0.0, p))


@pytest.mark.parametrize("argument", ["incentive", "peer_adoption", "authority"])
def test_adoption_rises_with_each_reason_to_adopt(small_model, argument):
    p = small_model().config.public.audience
    rng = np.random.default_rng(0)
    belief, threshold = rng.random(2000), rng.normal(1.0, 0.3, 2000)
    base = {"incentive": 0.1, "peer_adoption": 0.1, "authority": 0.1}
    weak = decide_adoption(belief, threshold=threshold, p=p, **base)
    strong = decide_adoption(belief, threshold=threshold, p=p, **{**base, argument: 0.9})
    assert strong.sum() > weak.sum()
    assert np.all(strong[weak])  # nobody who adopted with less reason drops out with more


# --- central state ------------------------------------------------------------------------------
def test_central_framing_rises_with_threat_and_strategy_orders_it(small_config):
    from sim.run import build_model

    def desired(strategy: str, threat: float) -> float:
        central = build_model(small_config(f"central.strategy={strategy}")).central
        central.threat = threat
        return central.desired_securitization()

    assert desired("historical", 0.2) < desired("historical", 0.5)
    assert desired("none", 0.9) == 0.0
    assert desired("maximal", 0.0) == 1.0
    assert 0 < desired("restrained", 0.5) < desired("historical", 0.5)


def test_policy_window_moves_framing_more_than_routine_speech(small_model):
    routine = small_model().central
    window = twin(routine)
    for c in (routine, window):
        c.desired, c.securitization = 0.8, 0.1
    window.open_policy_window(funding=0.0, targets=False)
    routine.securitizing_move()
    window.securitizing_move()
    assert window.securitization > routine.securitization > 0.1


def test_measures_need_audience_acceptance(small_model):
    model = small_model()
    c = model.central
    c.securitization = 0.8
    model.provinces.adopted[:] = False
    c.extraordinary_measures()
    unaccepted = c.measures
    model.provinces.adopted[:] = True
    model.firms.adopted[:] = True
    c.extraordinary_measures()
    assert unaccepted < c.measures


def test_adaptive_centre_gives_up_framing_when_consequences_worsen(small_model):
    model = small_model("central.strategy=adaptive")
    c = model.central
    c.threat = 0.6
    calm = c.desired_securitization()
    model.talent.location[:] = Location.RIVAL  # foreign talent leaves China
    assert c.desired_securitization() < calm


# --- rival state ---------------------------------------------------------------------------------
def test_rival_mirrors_chinese_securitization(small_model):
    calm = small_model()
    alarmed = twin(calm)
    calm.central.securitization, alarmed.central.securitization = 0.1, 0.9
    calm.rival.mirror()
    alarmed.rival.mirror()
    assert alarmed.rival.securitization > calm.rival.securitization


def test_rival_without_mirroring_ignores_chinese_securitization(small_model):
    calm = small_model("rival.mirror=0")
    alarmed = twin(calm)
    calm.central.securitization, alarmed.central.securitization = 0.1, 0.9
    calm.rival.mirror()
    alarmed.rival.mirror()
    assert alarmed.rival.securitization == calm.rival.securitization


def test_listing_targets_state_ties(small_model):
    model = small_model("agents.firms.n=2000", "rival.sanctions.tie_weight=3", "rival.sanctions.capability_weight=0")
    firms, rival = model.firms, model.rival
    chinese = np.flatnonzero(firms.chinese)
    firms.ties[:] = 0.05
    firms.ties[chinese[: len(chinese) // 2]] = 0.9
    listed = rival.list_entities(firms, expected_share=0.1)
    tied, loose = chinese[: len(chinese) // 2], chinese[len(chinese) // 2 :]
    assert listed[tied].mean() > 3 * listed[loose].mean()
    assert not listed[~firms.chinese].any()


@pytest.mark.parametrize("volume", ["ties", "fixed"])
def test_rival_lists_more_when_it_sees_more_tied_firms_only_under_ties_volume(small_model, volume):
    loose = small_model("agents.firms.n=2000", f"structure/listing={volume}")
    tied = twin(loose)
    loose.firms.ties[:] = 0.05
    tied.firms.ties[:] = 0.9
    n_loose = loose.rival.list_entities(loose.firms, expected_share=0.05).sum()
    n_tied = tied.rival.list_entities(tied.firms, expected_share=0.05).sum()
    if volume == "ties":
        assert n_tied > 3 * n_loose
    else:
        assert n_tied == n_loose  # same draws, same volume: ties only decide who is listed
def test_no_sanctions_at_zero_severity(small_config):
    from sim.run import simulate

    _, frame = simulate(small_config("rival.sanctions.severity=0"))
    assert frame.loc[frame.indicator == "sanctioned_share", "value"].max() == 0.0


# --- provinces ------------------------------------------------------------------------------------
def test_policy_window_raises_policy_issuance(small_model):
    quiet = small_model("agents.local.n=3000")
    pushed = twin(quiet)
    pushed.provinces.open_policy_window()
    for m in (quiet, pushed):
        m.provinces.issue_policies(step=0, securitization=0.3, funding=0.0, salience=0.2)
    assert pushed.provinces.policies.sum() > 2 * quiet.provinces.policies.sum()


def test_economic_stake_keeps_local_framing_economic(small_model):
    prov = small_model().provinces
    prov.econ_stake[:] = 0.1
    prov.open_policy_window()
    prov.issue_policies(step=0, securitization=0.8, funding=0.0, salience=1.0)
    issued = prov.policies > 0
    low_stake = prov.framing[issued].mean()
    prov.econ_stake[:] = 10.0
    prov.framing[:] = 0.0
    prov.issue_policies(step=1, securitization=0.8, funding=0.0, salience=1.0)
    high_stake = prov.framing[prov.framing > 0].mean()
    assert high_stake < low_stake < 0.8


# --- firms ---------------------------------------------------------------------------------------
def test_subsidies_draw_firms_closer_to_the_state(small_model):
    poor = small_model().firms
    rich = twin(poor)
    risk = np.zeros(poor.n)
    poor.choose_ties(subsidy_rate=0.05, involvement=0.0, risk=risk)
    rich.choose_ties(subsidy_rate=0.5, involvement=0.0, risk=risk)
    chinese = poor.chinese
    assert np.all(rich.ties[chinese] > poor.ties[chinese])
    assert np.allclose(rich.ties[~chinese], poor.ties[~chinese])  # foreign-invested firms get no subsidies


def test_sanction_risk_keeps_exporters_at_arms_length(small_model):
    safe = small_model().firms
    risky = twin(safe)
    safe.choose_ties(0.3, 0.0, np.zeros(safe.n))
    risky.choose_ties(0.3, 0.0, np.full(safe.n, 0.8))
    exporters = safe.chinese & (safe.export > 0)
    assert np.all(risky.ties[exporters] < safe.ties[exporters])


@pytest.mark.parametrize("change", ["export_controls", "directive"])
def test_supply_risk_and_directive_raise_domestic_sourcing_and_cost_efficiency(small_model, change):
    base = small_model().firms
    base.ties[:] = 0.5
    pushed = twin(base)
    risk = np.zeros(base.n)
    base.choose_sourcing(export_controls=0.0, severity=0.5, directive=0.0, risk=risk)
    args = {"export_controls": 0.5, "directive": 0.0} if change == "export_controls" else {"export_controls": 0.0, "directive": 1.0}
    pushed.choose_sourcing(severity=0.5, risk=risk, **args)
    chinese = base.chinese
    assert np.all(pushed.domestic_share[chinese] > base.domestic_share[chinese])
    assert np.all(pushed.efficiency[chinese] < base.efficiency[chinese])
    assert np.allclose(base.efficiency, 1.0)  # at the 2009 price and open optimum: the reference itself


def test_unit_cost_is_the_ces_price_index_at_the_open_share():
    for price, eps in [(1.6, 5.0), (0.7, 2.0), (1.0, 9.0)]:
        best = open_domestic_share(price, eps)
        sigma = 1.0 + eps
        assert np.isclose(unit_cost(best, price, eps), (price ** (1 - sigma) + 1.0) ** (1 / (1 - sigma)))
        shares = np.linspace(0.0, 1.0, 201)
        assert np.all(unit_cost(shares, price, eps) >= unit_cost(best, price, eps) - 1e-12)
        assert np.isclose(unit_cost(1.0, price, eps), price) and np.isclose(unit_cost(0.0, price, eps), 1.0)


def test_export_controls_impose_the_loss_and_the_directive_chooses_it(small_model):
    base = small_model("firms.risk_weight=0", "firms.sourcing_speed=1").firms
    base.ties[:] = 0.5
    controlled, directed = twin(base), twin(base)
    risk = np.zeros(base.n)
    base.choose_sourcing(export_controls=0.0, severity=0.5, directive=0.0, risk=risk)
    controlled.choose_sourcing(export_controls=0.6, severity=0.5, directive=0.0, risk=risk)
    directed.choose_sourcing(export_controls=0.0, severity=0.5, directive=1.0, risk=risk)
    chinese = base.chinese
    assert np.all(controlled.loss_imposed[chinese] > base.loss_imposed[chinese])
    assert np.allclose(controlled.loss_chosen, base.loss_chosen)  # forced to the constraint, nothing chosen beyond it
    assert np.all(directed.loss_chosen[chinese] > base.loss_chosen[chinese])
    assert np.allclose(directed.loss_imposed, base.loss_imposed)
    cost_loss = 1.0 - (1.0 - controlled.loss_imposed) * (1.0 - controlled.loss_chosen)  # the two parts make up the whole loss
    open_cost = unit_cost(open_domestic_share(controlled.domestic_price, 5.0), controlled.domestic_price, 5.0)
    assert np.allclose(cost_loss, 1.0 - open_cost / unit_cost(controlled.domestic_share, controlled.domestic_price, 5.0))


def test_involvement_sets_every_chinese_firms_ties_not_foreign_firms(small_model):
    free = small_model().firms
    bound = twin(free)
    risk = np.zeros(free.n)
    free.choose_ties(subsidy_rate=0.1, involvement=0.0, risk=risk)
    bound.choose_ties(subsidy_rate=0.1, involvement=0.9, risk=risk)
    assert np.all(bound.ties >= free.ties)
    for kind in (FirmKind.CHAMPION, FirmKind.PRIVATE, FirmKind.STARTUP):
        mask = free.kind == kind
        assert bound.ties[mask].mean() > free.ties[mask].mean()
        assert np.all(bound.ties[mask] >= 0.9 * bound.obligation[mask] - 1e-12)
    foreign = free.kind == FirmKind.FOREIGN
    assert np.array_equal(bound.ties[foreign], free.ties[foreign])


def test_learning_cheapens_domestic_inputs(small_model):
    firms = small_model().firms
    before = firms.domestic_price
    firms.domestic_share[:] = 0.8
    firms.learn_domestic()
    assert firms.domestic_price < before


def test_learning_can_take_efficiency_past_the_2009_frontier(small_model):
    def efficiency(*overrides):
        firms = small_model("firms.sourcing_speed=1", "firms.risk_weight=0", *overrides).firms
        firms.domestic_experience = 1e4
        firms.learn_domestic()
        firms.choose_sourcing(export_controls=0.0, severity=0.5, directive=0.0, risk=np.zeros(firms.n))
        return firms.efficiency, firms.domestic_share

    cheap, share_cheap = efficiency("firms.domestic_price_floor=0.5")
    dear, share_dear = efficiency("firms.domestic_price_floor=1.3")
    none, _ = efficiency("firms.learning=0")
    assert np.all(cheap > dear) and np.all(dear > 1.0) and np.allclose(none, 1.0)
    assert np.all(share_cheap > 0.5) and np.all(share_dear < 0.5)  # below the foreign price, domestic inputs win the bundle


def test_bigger_subsidy_pool_means_more_ai_washing(small_model):
    lean = small_model().firms
    rich = twin(lean)
    lean.allocate_subsidies(pool=1.0)
    rich.allocate_subsidies(pool=50.0)
    assert rich.washing.sum() > lean.washing.sum()
    assert not (rich.washing & rich.genuine).any()


def test_national_team_is_the_most_capable_genuine_firms(small_model):
    firms = small_model().firms
    firms.designate_national_team(10)
    team = firms.national_team
    assert team.sum() == 10 and np.all(firms.genuine[team]) and np.all(firms.kind[team] != FirmKind.FOREIGN)
    eligible = firms.genuine & firms.chinese & ~team
    assert firms.capability[team].min() >= firms.capability[eligible].max()


# --- intellectuals -----------------------------------------------------------------------------------
def test_central_slogans_and_funding_draw_intellectuals_to_security_research(small_model):
    quiet = small_model().intellectuals
    loud = twin(quiet)
    quiet.step(securitization=0.0, rival_securitization=0.2, measures=0.0, salience=0.5, persuasion=1.0, rally=0.0)
    loud.step(securitization=0.9, rival_securitization=0.2, measures=0.8, salience=0.5, persuasion=1.0, rally=0.0)
    assert loud.adopted.sum() > quiet.adopted.sum()
    assert loud.collaborating.sum() < quiet.collaborating.sum()


def test_a_larger_literature_persuades_more(small_model):
    intel = small_model().intellectuals
    thin = intel.persuasion()
    intel.cumulative_articles = 5000
    assert intel.persuasion() > thin


# --- public ----------------------------------------------------------------------------------------
def test_propaganda_raises_public_belief_and_adoption(small_model):
    quiet = small_model().public
    loud = twin(quiet)
    args = {"securitization": 0.8, "persuasion": 1.0, "rally": 0.0, "automation": 0.0, "salience": 0.5}
    for _ in range(8):
        quiet.step(propaganda=0.0, **args)
        loud.step(propaganda=1.0, **args)
    assert loud.belief.mean() > quiet.belief.mean()
    assert loud.adopted.sum() >= quiet.adopted.sum()
    assert loud.tolerance.mean() > quiet.tolerance.mean()


def test_automation_breeds_discontent_and_erodes_data_tolerance(small_model):
    calm = small_model().public
    shaken = twin(calm)
    args = {"securitization": 0.3, "propaganda": 0.3, "persuasion": 1.0, "rally": 0.0, "salience": 0.5}
    for _ in range(8):
        calm.step(automation=0.0, **args)
        shaken.step(automation=1.0, **args)
    assert shaken.mean_discontent > calm.mean_discontent
    assert shaken.tolerance.mean() < calm.tolerance.mean()


def test_data_breach_cuts_tolerance(small_model):
    public = small_model().public
    before = public.tolerance.mean()
    public.breach(0.2)
    assert public.tolerance.mean() == pytest.approx(0.8 * before)


# --- mobile talent and third countries -----------------------------------------------------------------
def test_nationalism_drives_foreign_talent_and_capital_away(small_model):
    open_ = small_model("talent.reconsider=1")
    closed = twin(open_)
    args = {"capability_ratio": 0.7, "premium": 0.3, "political_risk": 0.2, "visa_limits": 0.0}
    open_.talent.step(nationalism=0.0, **args)
    closed.talent.step(nationalism=1.0, **args)
    assert closed.talent.foreign_share_in_china() < open_.talent.foreign_share_in_china()


def test_salary_premium_draws_talent_to_china(small_model):
    low = small_model("talent.reconsider=1")
    high = twin(low)
    args = {"capability_ratio": 0.7, "nationalism": 0.3, "political_risk": 0.2, "visa_limits": 0.0}
    low.talent.step(premium=0.0, **args)
    high.talent.step(premium=2.0, **args)
    assert (high.talent.location == Location.CHINA).sum() > (low.talent.location == Location.CHINA).sum()


def test_talent_and_capital_are_conserved(small_model):
    model = small_model()
    n = model.talent.n
    model.run_for(12)
    assert np.bincount(model.talent.location, minlength=3).sum() == n


@pytest.mark.parametrize(("lever", "low", "high", "direction"), [("securitization", 0.0, 1.0, -1), ("outreach", 0.0, 1.0, 1)])
def test_third_countries_weigh_outreach_against_threat(small_model, lever, low, high, direction):
    a = small_model("agents.third.n=3000", "third.reconsider=1", "third.visibility0=1")
    b = twin(a)
    args = {"outreach": 0.5, "capability_ratio": 0.8, "securitization": 0.3, "pressure": 0.2}
    a.third.step(**{**args, lever: low})
    b.third.step(**{**args, lever: high})
    share_a = (a.third.endorsement == Endorsement.CHINA).mean()
    share_b = (b.third.endorsement == Endorsement.CHINA).mean()
    assert direction * (share_b - share_a) > 0
