"""Security: users and signing in, policy (role + jurisdiction), and the hash-chained audit log.

    policy.py     roles, the permission matrix, `permits` / `require` / `restrict`
    users.py      accounts: add, passwords, TOTP enrolment, lock, the Actor a user acts as
    signin.py     authentication with the second factor and lockout
    passwords.py  argon2id parameters and what a password must be
    totp.py       RFC 6238 codes, checked once only
    secrets.py    `SecretBox`: TOTP secrets sealed at rest with SURAKSHA_SECRET_KEY
    audit.py      `record` and `verify` of the audit chain
    models.py     the tables: security_users, security_audit_events, security_audit_head

Other domains call `policy` for every read and list, and `audit.record` for every read of a
subject or victim and every change (docs/security.md).
"""
