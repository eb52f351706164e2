"""The orchestrations the CLI and the Cloud Functions share: one module per job."""
