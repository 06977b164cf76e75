"""Numbered schema steps. A database records the last step it ran; opening
it runs the rest, each in its own transaction. Never edit a released step:
add a new one.
"""

from __future__ import annotations

import sqlite3

M001_INITIAL = """
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            root TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_sync TEXT,
            UNIQUE (kind, root)
        );
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            primary_key TEXT NOT NULL
        );
        CREATE TABLE identities (
            key TEXT PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id)
        );
        CREATE INDEX identities_person ON identities(person_id);
        CREATE TABLE threads (
            id TEXT PRIMARY KEY,
            subject TEXT NOT NULL DEFAULT '',
            container TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE messages (
            id TEXT PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES sources(id),
            kind TEXT NOT NULL,
            locator TEXT NOT NULL,
            container TEXT NOT NULL,
            author_id INTEGER NOT NULL REFERENCES people(id),
            ts REAL NOT NULL,
            thread_id TEXT NOT NULL REFERENCES threads(id),
            native_id TEXT NOT NULL DEFAULT '',
            visibility TEXT NOT NULL,
            owner TEXT NOT NULL DEFAULT '',
            edited INTEGER NOT NULL DEFAULT 0,
            attachments TEXT NOT NULL DEFAULT '[]',
            subject TEXT,
            body TEXT,
            authored TEXT,
            raw_body TEXT,
            pii_counts TEXT,
            ingested_at TEXT NOT NULL,
            built_at TEXT
        );
        CREATE INDEX messages_thread ON messages(thread_id, ts);
        CREATE INDEX messages_ts ON messages(ts);
        CREATE INDEX messages_author ON messages(author_id, ts);
        CREATE INDEX messages_pending ON messages(built_at) WHERE built_at IS NULL;
        CREATE TABLE locations (
            source_id INTEGER NOT NULL REFERENCES sources(id),
            locator TEXT NOT NULL,
            message_id TEXT NOT NULL REFERENCES messages(id),
            container TEXT NOT NULL,
            PRIMARY KEY (source_id, locator)
        );
        CREATE INDEX locations_message ON locations(message_id);
        CREATE TABLE message_access (
            message_id TEXT NOT NULL,
            person_id INTEGER NOT NULL,
            PRIMARY KEY (message_id, person_id)
        ) WITHOUT ROWID;
        CREATE INDEX access_person ON message_access(person_id, message_id);
        CREATE TABLE recipients (
            message_id TEXT NOT NULL,
            person_id INTEGER NOT NULL,
            PRIMARY KEY (message_id, person_id)
        ) WITHOUT ROWID;
        CREATE INDEX recipients_person ON recipients(person_id);
        CREATE TABLE entities (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            type TEXT NOT NULL DEFAULT 'unknown',
            kind TEXT NOT NULL DEFAULT 'wikipedia'
        );
        CREATE TABLE mentions (
            id INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL REFERENCES messages(id),
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            entity_id TEXT REFERENCES entities(id),
            score REAL NOT NULL,
            label TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX mentions_message ON mentions(message_id);
        CREATE INDEX mentions_entity ON mentions(entity_id, message_id);
        CREATE TABLE pages (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            title TEXT NOT NULL,
            mentions INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (kind, key)
        );
        CREATE TABLE failures (
            source_id INTEGER NOT NULL,
            locator TEXT NOT NULL,
            stage TEXT NOT NULL,
            reason TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (source_id, locator, stage)
        );
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            person_id INTEGER REFERENCES people(id),
            is_admin INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            ts TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        -- Scrubbed text only. Porter stemming so "trades" finds "trading".
        CREATE VIRTUAL TABLE messages_fts USING fts5(
            message_id UNINDEXED, subject, body, tokenize = 'porter unicode61'
        );
"""

# Every key a thread is known by (a mail's own Message-ID, the root of its
# References, its normalised subject), so a reply finds its thread whichever
# of the two was ingested first.
M002_THREAD_KEYS = """
        CREATE TABLE thread_keys (
            space TEXT NOT NULL,
            key TEXT NOT NULL,
            thread_id TEXT NOT NULL REFERENCES threads(id),
            PRIMARY KEY (space, key)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO thread_keys (space, key, thread_id)
            SELECT 'email', native_id, thread_id FROM messages
            WHERE kind IN ('maildir', 'mbox', 'eml', 'imap') AND native_id != '';
"""

# Sources an admin names and syncs (options, an encrypted secret, the last
# sync's counts); each location's version, so an edited or deleted item at a
# live source is seen; mail threads found by subject, with the time span each
# covers, so a generic subject ("Meeting") joins a thread only near in time.
M003_NAMED_SOURCES = """
        ALTER TABLE sources ADD COLUMN name TEXT;
        ALTER TABLE sources ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE sources ADD COLUMN secret TEXT;
        ALTER TABLE sources ADD COLUMN last_result TEXT;
        CREATE UNIQUE INDEX sources_name ON sources(name) WHERE name IS NOT NULL;
        ALTER TABLE locations ADD COLUMN version TEXT NOT NULL DEFAULT '';
        CREATE TABLE subject_threads (
            space TEXT NOT NULL,
            subject TEXT NOT NULL,
            thread_id TEXT NOT NULL REFERENCES threads(id),
            first_ts REAL NOT NULL,
            last_ts REAL NOT NULL,
            PRIMARY KEY (space, subject, thread_id)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO subject_threads (space, subject, thread_id, first_ts, last_ts)
            SELECT k.space, substr(k.key, 9), k.thread_id,
                   (SELECT min(ts) FROM messages m WHERE m.thread_id = k.thread_id),
                   (SELECT max(ts) FROM messages m WHERE m.thread_id = k.thread_id)
            FROM thread_keys k WHERE k.key LIKE 'subject:%'
            AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = k.thread_id);
        DELETE FROM thread_keys WHERE key LIKE 'subject:%';
"""

# Pseudonyms: a keyed hash of each real value (never the value) -> its number
# per type, so <PERSON_17> is the same person in every source. The vault keeps
# the real values, encrypted, only when an admin turns it on. Entities get a
# "grey" flag: kept in messages, never surfaced as a topic.
M004_PSEUDONYMS_VAULT = """
        CREATE TABLE pseudonyms (
            type TEXT NOT NULL,
            digest TEXT NOT NULL,
            number INTEGER NOT NULL,
            PRIMARY KEY (type, digest),
            UNIQUE (type, number)
        ) WITHOUT ROWID;
        CREATE TABLE vault (
            type TEXT NOT NULL,
            number INTEGER NOT NULL,
            sealed TEXT NOT NULL,
            PRIMARY KEY (type, number)
        ) WITHOUT ROWID;
        ALTER TABLE entities ADD COLUMN grey INTEGER NOT NULL DEFAULT 0;
"""

# Curation: an admin's corrections, kept apart from the mention rows a build
# rewrites so they are applied again after every build. A surface rule links
# every mention with that normalised text (an alias also finds new ones in
# the text); a mention link pins one span; a merge sends a topic's mentions
# to another; a hidden topic gets no page. entity_id NULL means "not a topic".
M005_CURATION = """
        CREATE TABLE link_rules (
            surface TEXT PRIMARY KEY,
            entity_id TEXT,
            alias INTEGER NOT NULL DEFAULT 0,
            actor TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE mention_links (
            message_id TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            entity_id TEXT,
            actor TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (message_id, start, end)
        ) WITHOUT ROWID;
        CREATE TABLE topic_merges (
            source_id TEXT PRIMARY KEY,
            target_id TEXT NOT NULL,
            actor TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE hidden_topics (
            entity_id TEXT PRIMARY KEY,
            actor TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX mentions_label ON mentions(label);
"""

M006_VECTORS = """
        CREATE TABLE message_vectors (
            message_id TEXT PRIMARY KEY REFERENCES messages(id),
            content_hash TEXT NOT NULL,
            model TEXT NOT NULL,
            vector BLOB NOT NULL
        );
        CREATE INDEX message_vectors_hash ON message_vectors(model, content_hash);
"""

# Search joins every FTS match to its message for the access filter and the date tie-break.
# From the table that means reading past each message's text (built_at is its last column);
# this index holds those columns, so ranking reads no message text (bench/search_scale.py).
#
# A counter every change to message_vectors moves, so a search can tell in one row read
# whether its vector index is still current (counting 500,000 vectors took ~50 ms a query).
M007_SEARCH_INDEX = """
        CREATE INDEX messages_search ON messages(id, built_at, visibility, ts);
        CREATE TABLE vector_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
        INSERT INTO vector_generation (id, n) VALUES (1, 0);
        CREATE TRIGGER message_vectors_added AFTER INSERT ON message_vectors
            BEGIN UPDATE vector_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER message_vectors_removed AFTER DELETE ON message_vectors
            BEGIN UPDATE vector_generation SET n = n + 1 WHERE id = 1; END;
        CREATE TRIGGER message_vectors_changed AFTER UPDATE ON message_vectors
            BEGIN UPDATE vector_generation SET n = n + 1 WHERE id = 1; END;
"""

# Terms an admin says are never personal data ("Zebrafinch", "Project Bluebird"): kept by the
# privacy stage in what is built after they are added (privacy/keep_terms.py).
M008_PII_KEEP_TERMS = """
        CREATE TABLE pii_keep_terms (
            term TEXT PRIMARY KEY COLLATE NOCASE,
            actor TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
"""

#: Step N is MIGRATIONS[N-1]: SQL run as one transaction.
MIGRATIONS: list[str] = [
    M001_INITIAL,
    M002_THREAD_KEYS,
    M003_NAMED_SOURCES,
    M004_PSEUDONYMS_VAULT,
    M005_CURATION,
    M006_VECTORS,
    M007_SEARCH_INDEX,
    M008_PII_KEEP_TERMS,
]


def migrate(db: sqlite3.Connection) -> int:
    """Run the steps this database has not run yet; return its version."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        # executescript would commit step by step; BEGIN/COMMIT makes a step all-or-nothing.
        db.executescript(f"BEGIN;\n{step}\nPRAGMA user_version = {number};\nCOMMIT;")
        version = number
    return version
