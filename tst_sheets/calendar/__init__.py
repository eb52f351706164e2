"""The program's events, pure: who each invites, the Calendar event bodies with deterministic
ids, the plan that reconciles a calendar with the roster, each team's Program Events rows, the
iCalendar export, and the year pattern the roster's events are dated by."""
