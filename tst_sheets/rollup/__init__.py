"""The coach roll-up, pure: one module per tab, the hidden state a run leaves for the next, the
write plan (one ``batchUpdate``), and each team's own status on its Start Here tab."""
