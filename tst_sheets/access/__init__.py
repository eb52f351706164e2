"""Who has access to the program, and why (pure): every permission on every program file —
the roster, the roll-up, each team workbook, the shared drive's members and the program
calendar's ACL — held against what the roster explains.

``models`` names a file, a permission and the verdict on it; ``explain`` gives each permission
its verdict: ``explained`` with the reason ("TL of T03", "staff", "the service", …) or not,
with why ("anyone with the link", "outside the Allowed Domains", "replaced TL of T03", …), and
whether the service may remove it. The audit job (``jobs.audit``) does the I/O.
"""
