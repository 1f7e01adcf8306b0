"""ui's typed reads (@cached): one store, keyed on the read, the snapshot generation and the arguments."""

import pandas as pd
import streamlit as st

import ui
from warehouse import load, queries


def test_reads_with_the_same_arguments_keep_apart(seeded_db, seeded_con, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_DB", str(seeded_db))
    st.cache_data.clear()
    for _ in range(2):  # filled, then from the store
        assert ui.target_years() == queries.target_years(seeded_con) != ui.known_metrics()
        assert ui.known_metrics() == queries.known_metrics(seeded_con)
        assert ui.metric_periods("online_rate_pct") == queries.metric_periods(seeded_con, "online_rate_pct")
        assert ui.metric_periods("learners") == queries.metric_periods(seeded_con, "learners")
    pd.testing.assert_frame_equal(ui.commune_peers("21421"), queries.commune_peers(seeded_con, "21421"))


def test_a_load_outside_the_app_shows_at_the_next_read(seeded_copy, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_DB", str(seeded_copy))
    st.cache_data.clear()
    history = ui.load_history(limit=1000)
    assert history["retracted_at"].isna().all()
    newest = int(history["load_id"].iloc[0])
    load.retract_path(newest, db_file=seeded_copy, by="test")  # as `python -m warehouse retract` would
    again = ui.load_history(limit=1000)
    assert again.loc[again["load_id"] == newest, "retracted_by"].tolist() == ["test"]


def test_a_read_keeps_its_name_and_docstring():
    assert ui.commune_profile.__name__ == "commune_profile"
    assert "current commune" in ui.commune_profile.__doc__
