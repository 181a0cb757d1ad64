package io.ledgerbridge.project;

/** A project's status, as mappings/schemas/project.schema.json names it: only an ACTIVE project takes time. */
public enum ProjectStatus { ACTIVE, ON_HOLD, CLOSED }
