-- A child's search keys by child: a name search that starts from its rarest word checks the
-- other words against each candidate child's own keys.
CREATE INDEX child_search_by_child ON child_search (child_id, key);
