"""Permission strings of the AI endpoints.

Scoring a lead writes its score (the lead's scoring history keeps it), so it needs what
`PUT /v1/leads/{id}/score` needs; the deal and contact answers only read their record. Training and
the model list are the tenant's AI administration (`ai:*`, held by tenant admins through `tenant:*`).
"""

LEAD_SCORE = "leads:write"
DEAL_PROBABILITY = "deals:read"
CONTACT_ENRICH = "contacts:read"
MODELS_READ = "ai:read"
MODELS_TRAIN = "ai:manage"
