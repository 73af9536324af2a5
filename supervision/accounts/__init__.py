"""Accounts (身份鉴别, issue 13): login lockout; password policy and tokens follow."""
