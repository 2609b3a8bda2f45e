"""The M1 estimate as the customer reads it, in Dutch and in English: the work, its hardware, hours, rate, amount,
and that the work starts only after the customer accepted it in writing (M1, R2)."""

from dcops.terms.extra_work import RateSource
from dcops.work.notices import EstimateNotice, estimate_message

NOTICE = EstimateNotice(
    reference="MW-000012",
    customer="Hollandse Hosting B.V.",
    contact="Pieter Smit",
    description="Replace the failed disk in hh-web-02",
    hardware=("hh-web-02",),
    minutes=90,
    rate_cents=85_00,
    rate_source=RateSource.agreed,
    amount_cents=127_50,
    note="Includes the disk from our stock",
)


def test_the_m1_estimate_in_english():
    subject, body = estimate_message(NOTICE, "en", "Grave Datacenter")
    assert subject == "Estimate for extra work MW-000012: Replace the failed disk in hh-web-02"
    assert body.startswith("Dear Pieter Smit,\n")
    assert "    Replace the failed disk in hh-web-02\n    Hardware: hh-web-02" in body
    assert "Our estimate: 1.5 hours at €85.00 an hour (the rate agreed with you), in all €127.50." in body
    assert "Includes the disk from our stock" in body
    assert "only after you have accepted this estimate in writing" in body and "rules M1 and R2" in body
    assert "quoting MW-000012" in body and body.endswith("Kind regards,\nGrave Datacenter")


def test_the_m1_estimate_in_dutch():
    subject, body = estimate_message(NOTICE, "nl")
    body = body.replace("\xa0", " ")  # Dutch amounts keep "€" and the number together
    assert subject == "Kostenraming voor meerwerk MW-000012: Replace the failed disk in hh-web-02"
    assert body.startswith("Geachte Pieter Smit,\n")
    assert "Hardware: hh-web-02" in body
    assert "Onze kostenraming: 1,5 uur tegen € 85,00 per uur (het met u overeengekomen tarief), samen € 127,50." in body
    assert "pas uit nadat u schriftelijk akkoord hebt gegeven op deze kostenraming" in body
    assert "regels M1 en R2" in body
    assert "onder vermelding van MW-000012" in body


def test_the_usual_rate_is_named_and_a_long_description_is_shortened_in_the_subject():
    usual = EstimateNotice(**{**NOTICE.__dict__, "rate_source": RateSource.usual, "contact": None, "hardware": ()})
    long = EstimateNotice(**{**usual.__dict__, "description": "Trace and label " + "cross-connect " * 10})
    subject, body = estimate_message(long, "en")
    assert len(subject) == len("Estimate for extra work MW-000012: ") + 60 and subject.endswith("...")
    assert body.startswith("Dear Hollandse Hosting B.V.,") and "Hardware:" not in body
    assert "(our usual rate: no rate was agreed with you)" in body
    dutch = estimate_message(usual, "nl")[1]
    assert "(ons gebruikelijke tarief: er is met u geen tarief overeengekomen)" in dutch
