

def test_same_tab_keeps_the_open_tab_across_languages():
    import planner.app as aps
    from planner.text import tr

    keys = ("app.tab_units", "app.tab_scenarios", "app.tab_data", "app.tab_downloads")

    assert aps.same_tab(tr("app.tab_downloads", "zh"), keys, "en") == tr("app.tab_downloads", "en")
    assert aps.same_tab(tr("app.tab_scenarios", "en"), keys, "zh") == tr("app.tab_scenarios", "zh")
    assert aps.same_tab(tr("app.tab_data", "zh"), keys, "zh") == tr("app.tab_data", "zh")
    assert aps.same_tab(None, keys, "zh") is None
    assert aps.same_tab("not a tab", keys, "en") is None
