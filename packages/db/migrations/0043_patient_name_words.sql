-- Patient search by name at a million patients (issue 10). Every distinct word of a patient's
-- normalised name (patients.search_name: given, family and preferred names), one row each, in a
-- btree ordered as the search lists its matches: by the matched word, then family and given name.
-- "smi" is then a range of this index read in order, LIMIT 25: a few pages whatever the number of
-- Smiths, instead of ranking every patient the trigram index matched (188 ms p95 at 60,000).
-- `search_name` rides along (INCLUDE) so the other words of a query ("maya smi") are checked in
-- the index without reading the patient rows. `word` sorts bytewise (COLLATE "C") so a prefix is
-- a range (LIKE 'smi%' uses the index) on any server locale.
-- Kept by the triggers below from the columns the application writes, so every writer (the API,
-- imports, the benchmark's bulk loader) keeps it true.
-- Servers of the old release may still be registering patients while this runs (a rolling
-- upgrade): the lock holds their writes to patients until this migration commits, so no patient is
-- added or renamed between the backfill below and the triggers that keep the words afterwards.
LOCK TABLE patients IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE patient_name_words (
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  patient_id uuid NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  word text COLLATE "C" NOT NULL,
  family_name text NOT NULL,
  given_name text NOT NULL,
  search_name text NOT NULL
);

-- The existing patients' words, then the indexes (built once, faster than row by row).
INSERT INTO patient_name_words (clinic_id, patient_id, word, family_name, given_name, search_name)
SELECT DISTINCT p.clinic_id, p.id, w.word, p.family_name, p.given_name, p.search_name
FROM patients p, unnest(string_to_array(p.search_name, ' ')) AS w(word)
WHERE w.word <> '';
CREATE INDEX patient_name_words_search_idx
  ON patient_name_words (clinic_id, word, family_name, given_name, patient_id) INCLUDE (search_name);
CREATE INDEX patient_name_words_patient_idx ON patient_name_words (patient_id);
ANALYZE patient_name_words;

-- New patients: one statement for all the rows a statement inserted.
CREATE FUNCTION patients_insert_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO patient_name_words (clinic_id, patient_id, word, family_name, given_name, search_name)
  SELECT DISTINCT n.clinic_id, n.id, w.word, n.family_name, n.given_name, n.search_name
  FROM inserted n, unnest(string_to_array(n.search_name, ' ')) AS w(word)
  WHERE w.word <> '';
  RETURN NULL;
END $$;
CREATE TRIGGER patients_insert_name_words AFTER INSERT ON patients
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION patients_insert_name_words();

-- A renamed patient: the words are replaced (other changes to the row leave them alone).
CREATE FUNCTION patients_update_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM patient_name_words WHERE patient_id = OLD.id;
  INSERT INTO patient_name_words (clinic_id, patient_id, word, family_name, given_name, search_name)
  SELECT DISTINCT NEW.clinic_id, NEW.id, w.word, NEW.family_name, NEW.given_name, NEW.search_name
  FROM unnest(string_to_array(NEW.search_name, ' ')) AS w(word)
  WHERE w.word <> '';
  RETURN NULL;
END $$;
CREATE TRIGGER patients_update_name_words AFTER UPDATE OF search_name, family_name, given_name, clinic_id ON patients
  FOR EACH ROW
  WHEN (OLD.search_name IS DISTINCT FROM NEW.search_name OR OLD.family_name IS DISTINCT FROM NEW.family_name
        OR OLD.given_name IS DISTINCT FROM NEW.given_name OR OLD.clinic_id IS DISTINCT FROM NEW.clinic_id)
  EXECUTE FUNCTION patients_update_name_words();
