"""NetBox's CSV files read as csv.DictReader reads them, without its per-row cost (dcops.interop.netbox_files)."""

import csv
import io

import pytest

from dcops.interop.netbox_files import _csv_items

SAMPLES = [
    "name,slug\nGrave,grv1\nAmsterdam,ams1\n",
    "name,slug\n",  # a header and no rows
    "name,slug\nGrave\n",  # a short row: the missing cell is None
    "name,slug\nGrave,grv1,extra,more\n",  # a long row: the extra cells in a list under None
    "name,slug\n\nGrave,grv1\n\n",  # blank lines skipped
    'name,address\n"Grave","Line 1\nLine 2"\n',  # a quoted cell over two lines
    "",  # nothing at all
]


@pytest.mark.parametrize("text", SAMPLES)
def test_rows_are_what_dictreader_gives(text):
    reader = csv.DictReader(io.StringIO(text))
    expected = [dict(r) for r in reader] if reader.fieldnames else None
    assert _csv_items(text) == expected


def test_the_cycle_collector_runs_again_after_the_last_import_even_a_failed_one():
    import gc

    from dcops.interop.bulk import no_cycle_collection

    assert gc.isenabled()
    with no_cycle_collection():
        with pytest.raises(RuntimeError), no_cycle_collection():  # a second import at once, which fails
            assert not gc.isenabled()
            raise RuntimeError("bad row")
        assert not gc.isenabled()  # the first is still running
    assert gc.isenabled()
