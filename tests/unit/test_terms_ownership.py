from dcops.terms import Denied, Owner, Reason, Service, Verdict, hardware_owner


def test_dedicated_hardware_is_supplier_property_d1():
    owner, reason = hardware_owner(Service.dedicated)
    assert owner is Owner.supplier and reason.rule == "D1" and reason.article == "11.2"


def test_colocation_hardware_is_the_customers_k1():
    owner, reason = hardware_owner(Service.colocation)
    assert owner is Owner.customer and reason.rule == "K1" and reason.article == "12.2"


def test_leased_colocation_hardware_is_a_third_party_s_k1():
    owner, reason = hardware_owner(Service.colocation, "Rabo Lease B.V.")
    assert owner is Owner.third_party and reason.rule == "K1" and "owned by Rabo Lease B.V." in reason.message
    assert hardware_owner(Service.dedicated, "Rabo Lease B.V.")[0] is Owner.supplier  # D1 whatever is recorded


def test_hardware_without_contract_is_supplier_infrastructure():
    assert hardware_owner(None) == (Owner.supplier, None)


def test_combine_keeps_every_denying_reason():
    a = Reason("A7", "13.7", "customer fails")
    b = Reason("A1", "13.1", "not competent")
    v = Verdict.combine(Verdict.allow(), Verdict.deny(a), Verdict.deny(b))
    assert not v.allowed and v.reasons == (a, b)
    assert Verdict.combine(Verdict.allow(), Verdict.allow()).allowed


def test_denied_names_rule_and_article():
    exc = Denied(Verdict.deny(Reason("K10", "12.9", "a lien stands")))
    assert str(exc) == "Art. 12.9 (rule K10): a lien stands"


def test_a_private_rack_holds_its_customers_hardware_and_the_suppliers_k1():
    from dcops.terms.ownership import may_place_in_rack

    assert may_place_in_rack("hh-1", 1, "Hollandse", "B05", 1, "Hollandse").allowed  # its customer's
    assert may_place_in_rack("patch-1", None, None, "B05", 1, "Hollandse").allowed  # the supplier's own
    assert may_place_in_rack("bcs-1", 2, "Brabant", "A01", None, None).allowed  # a shared rack holds anyone's
    refused = may_place_in_rack("bcs-1", 2, "Brabant", "B05", 1, "Hollandse")
    (reason,) = refused.reasons
    assert not refused.allowed and (reason.rule, reason.article) == ("K1", "12.2")
    assert "Brabant" in reason.message and "Hollandse" in reason.message and "B05" in reason.message
