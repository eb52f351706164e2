"""The coach roll-up, pure: one module per tab (Summary, Findings, By Coach, Impact, Trends,
Events, Staff, About), the hidden state a run leaves for the next, the write plan (one
``batchUpdate``), and each team's own status on its Start Here tab. The Impact tab is also the
heart of the Impact Report (``jobs.report``)."""
