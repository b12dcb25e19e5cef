"""Plan outputs: plan.json, plan.xlsx sheets, CSV copies, labels, privacy masking, the plan
folder."""
