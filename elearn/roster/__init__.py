"""The workforce roster: payroll imports, personal invitations, shared-code confirmations, reach."""
