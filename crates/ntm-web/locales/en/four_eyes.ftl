four-eyes-title = Four-eyes verification (separate entry and verification)
four-eyes-intro = When on, whoever entered or submitted an indicator value may not verify it; another officer who may verify must do it. Applies to every commune of the province. Delete this setting to turn it off.
four-eyes-off = Off: whoever enters a value may also verify it if they hold the verify permission.
four-eyes-on = On: whoever entered or submitted a value may not verify it
four-eyes-turn-on = Turn four-eyes verification on
scorecard-four-eyes = Not verified (four-eyes verification): you entered or submitted these values, so another officer who may verify must do it: { $value }.
