"""Read-only API endpoints for applications (attached to the api blueprint)."""
