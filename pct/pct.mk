# pct: rules are added by the part's owner.
