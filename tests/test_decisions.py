"""Each agent type's decision rule: a stronger incentive or signal moves the decision the expected way,
with everything else held fixed (same seed, same state, one input changed)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim.agents.audience import decide_adoption, update_beliefs
from sim.agents.firm import FirmKind
from sim.agents.talent import Location
from sim.agents.third_country import Endorsement
from sim.perception import Perception
from sim.timeline import Quarter


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
    firms = small_model("agents.firms.n=2000").firms
    chinese = np.flatnonzero(firms.chinese)
    firms.ties[:] = 0.05
    firms.ties[chinese[: len(chinese) // 2]] = 0.9
    firms.list_entities(expected_share=0.1, tie_weight=3.0, capability_weight=0.0)
    tied, loose = chinese[: len(chinese) // 2], chinese[len(chinese) // 2 :]
    assert firms.sanctioned[tied].mean() > 3 * firms.sanctioned[loose].mean()
    assert not firms.sanctioned[~firms.chinese].any()


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
    assert np.all(base.efficiency <= 1.0 + 1e-12)


def test_learning_cheapens_domestic_inputs(small_model):
    firms = small_model().firms
    before = firms.domestic_price
    firms.domestic_share[:] = 0.8
    firms.learn_domestic()
    assert firms.domestic_price < before


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
def perceived(model, **changes):
    """The model's current snapshot with some views changed: ``perceived(m, public={"adoption": 1.0})``."""
    views = {name: dict(view._values) for name, view in model.perceive()._views.items()}
    for name, values in changes.items():
        views[name].update(values)
    return Perception(views)


MOBILE = ("agents.talent.n=4000", "agents.capital.n=4000", "talent.reconsider=1", "capital.reconsider=1")


def test_nationalist_climate_lowers_foreign_talents_choice_of_china(small_model):
    calm = small_model(*MOBILE)
    heated = twin(calm)
    calm.talent.step(perceived(calm, public={"adoption": 0.0}))
    heated.talent.step(perceived(heated, public={"adoption": 1.0}))
    assert heated.talent.foreign_in_china() < calm.talent.foreign_in_china()


def test_without_the_climate_weight_the_public_mood_does_not_move_talent(small_model):
    calm = small_model(*MOBILE, "talent.climate=0")
    heated = twin(calm)
    calm.talent.step(perceived(calm, public={"adoption": 0.0}))
    heated.talent.step(perceived(heated, public={"adoption": 1.0}))
    assert np.array_equal(heated.talent.location, calm.talent.location)


@pytest.mark.parametrize("push", ["visa_limits", "investigations"])
def test_rival_push_sends_chinese_origin_talent_to_china_and_leaves_foreigners_alone(small_model, push):
    open_ = small_model(*MOBILE)
    closed = twin(open_)
    open_.talent.step(perceived(open_, rival={"visa_limits": 0.0, "investigations": 0.0}))
    closed.talent.step(perceived(closed, rival={"visa_limits": 0.0, "investigations": 0.0, push: 1.0}))
    chinese = open_.talent.chinese_origin
    in_china = lambda m: m.talent.location[chinese] == Location.CHINA  # noqa: E731
    assert in_china(closed).mean() > in_china(open_).mean()
    assert np.array_equal(closed.talent.location[~chinese], open_.talent.location[~chinese])


def test_seniors_weigh_chinas_capability_more_than_juniors(small_model):
    behind = small_model(*MOBILE, "talent.moving_cost=0")
    ahead = twin(behind)
    behind.talent.step(perceived(behind, world={"capability_ratio": 0.3}))
    ahead.talent.step(perceived(ahead, world={"capability_ratio": 1.5}))
    senior = behind.talent.senior
    share = lambda m, group: (m.talent.location[group] == Location.CHINA).mean()  # noqa: E731
    gain = [share(ahead, g) - share(behind, g) for g in (senior, ~senior)]
    assert gain[0] > gain[1] > 0


def test_moving_costs_keep_talent_in_place(small_model):
    free = small_model(*MOBILE, "talent.moving_cost=0")
    costly = small_model(*MOBILE, "talent.moving_cost=5")
    before = free.talent.location.copy()
    free.talent.step(free.perceive())
    costly.talent.step(costly.perceive())
    assert (costly.talent.location != before).mean() < (free.talent.location != before).mean()


def test_sanction_risk_lowers_foreign_capital_in_china(small_model):
    safe = small_model(*MOBILE)
    risky = twin(safe)
    safe.capital.step(perceived(safe, firms={"sanction_risk": 0.0}))
    risky.capital.step(perceived(risky, firms={"sanction_risk": 0.3}))
    assert risky.capital.china_share < safe.capital.china_share


def test_nationalism_does_not_enter_foreign_capital(small_model):
    calm = small_model(*MOBILE)
    heated = twin(calm)
    calm.capital.step(perceived(calm, public={"adoption": 0.0}, central={"securitization": 0.0}, intellectuals={"cooperation": 1.0}))
    heated.capital.step(perceived(heated, public={"adoption": 1.0}, central={"securitization": 1.0}, intellectuals={"cooperation": 0.0}))
    assert np.array_equal(heated.capital.in_china, calm.capital.in_china)


def test_outbound_rules_withdraw_only_the_rivals_own_capital(small_model):
    open_ = small_model(*MOBILE)
    restricted = twin(open_)
    open_.capital.step(perceived(open_, rival={"outbound": 0.0}))
    restricted.capital.step(perceived(restricted, rival={"outbound": 1.0}))
    domiciled = open_.capital.rival_domiciled
    assert restricted.capital.in_china[domiciled].mean() < open_.capital.in_china[domiciled].mean()
    assert np.array_equal(restricted.capital.in_china[~domiciled], open_.capital.in_china[~domiciled])


def test_rival_restricts_outbound_investment_only_from_its_start(small_model):
    rival = small_model("rival.outbound.start=2023Q3").rival
    rival.securitization = 0.8
    rival.restrict_outbound(Quarter.parse("2023Q2").index)
    assert rival.outbound == 0.0
    rival.restrict_outbound(Quarter.parse("2023Q3").index)
    assert rival.outbound == pytest.approx(0.8 * rival.p.outbound.strength)


def test_talent_and_capital_are_conserved_and_inflows_are_shares(small_model):
    model = small_model()
    n_talent, n_capital = model.talent.n, model.capital.n
    for _ in range(12):
        model.step()
        assert np.bincount(model.talent.location, minlength=3).sum() == n_talent
        assert model.capital.in_china.size == n_capital
        assert 0.0 <= model.talent.inflow <= 1.0 and 0.0 <= model.capital.inflow <= 1.0


def test_inflow_counts_arrivals_from_abroad(small_model):
    model = small_model(*MOBILE)
    abroad = model.talent.location != Location.CHINA
    model.talent.step(model.perceive())
    arrived = abroad & (model.talent.location == Location.CHINA)
    assert model.talent.inflow == pytest.approx(arrived.sum() / abroad.sum())


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
