"""Read-only API endpoints for calls (attached to the api blueprint)."""
