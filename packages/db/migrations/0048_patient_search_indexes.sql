-- Patient search at a million patients, second step (issue 10).
--
-- 1. patient_name_words holds one row per patient and word: now a guarantee (UNIQUE), not only
--    what the triggers of 0043 happen to write (DISTINCT). Its index, (patient_id, word), also
--    answers the search's "listed once" probe (a patient with two words beginning so: "Smith
--    Smithers") from the index alone; the plain patient_id index it replaces is dropped.
-- 2. patient_name_word_pairs: one row per ordered pair of two different words of a patient's name
--    ("maya smith" gives (maya, smith) and (smith, maya)), in a btree ordered by both words, then
--    family and given name. A two-word query ("maya smith") reads the Smiths named Maya* as one
--    range of it; with the single-word index it read every Smith until 25 Mayas were found (17,780
--    index entries at a million patients, a uniform 26 x 26 name grid).
-- 3. patient_phone_numbers: each phone number of a patient, its digits reversed, in a btree with
--    family and given name. The last digits of a number ("4321", the usual way to ask) are then a
--    range of it read from the index alone (~100 entries at a million patients). The trigram index
--    of search_phones finds the ~420 numbers containing "4321" but then reads each patient's row to
--    sort them by name (~440 pages, 14 ms from the OS cache). Numbers that only contain the digits
--    are still found by the trigram index, listed after those ending with them.
-- 1 and 2 are kept by the triggers of 0043 (replaced below), 3 by two more, so every writer keeps
-- them true.
-- As in 0043: hold writes to patients (servers of the old release in a rolling upgrade) until
-- the backfill and the triggers are in place.
LOCK TABLE patients IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE patient_name_words ADD CONSTRAINT patient_name_words_patient_word_key UNIQUE (patient_id, word);
DROP INDEX patient_name_words_patient_idx;

CREATE TABLE patient_name_word_pairs (
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  patient_id uuid NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  word text COLLATE "C" NOT NULL,
  other_word text COLLATE "C" NOT NULL,
  family_name text NOT NULL,
  given_name text NOT NULL,
  search_name text NOT NULL
);

-- The existing patients' pairs, then the indexes (built once, faster than row by row).
INSERT INTO patient_name_word_pairs (clinic_id, patient_id, word, other_word, family_name, given_name, search_name)
SELECT DISTINCT a.clinic_id, a.patient_id, a.word, b.word, a.family_name, a.given_name, a.search_name
FROM patient_name_words a JOIN patient_name_words b ON b.patient_id = a.patient_id AND b.word <> a.word;
CREATE INDEX patient_name_word_pairs_search_idx
  ON patient_name_word_pairs (clinic_id, word, other_word, family_name, given_name, patient_id) INCLUDE (search_name);
ALTER TABLE patient_name_word_pairs
  ADD CONSTRAINT patient_name_word_pairs_patient_words_key UNIQUE (patient_id, word, other_word);
ANALYZE patient_name_word_pairs;

-- New patients: their words, then the pairs of those words (one statement each for all the rows
-- a statement inserted).
CREATE OR REPLACE FUNCTION patients_insert_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO patient_name_words (clinic_id, patient_id, word, family_name, given_name, search_name)
  SELECT DISTINCT n.clinic_id, n.id, w.word, n.family_name, n.given_name, n.search_name
  FROM inserted n, unnest(string_to_array(n.search_name, ' ')) AS w(word)
  WHERE w.word <> '';
  INSERT INTO patient_name_word_pairs (clinic_id, patient_id, word, other_word, family_name, given_name, search_name)
  SELECT DISTINCT n.clinic_id, n.id, a.word, b.word, n.family_name, n.given_name, n.search_name
  FROM inserted n, unnest(string_to_array(n.search_name, ' ')) AS a(word), unnest(string_to_array(n.search_name, ' ')) AS b(word)
  WHERE a.word <> '' AND b.word <> '' AND a.word <> b.word;
  RETURN NULL;
END $$;

-- A renamed patient: the words and pairs are replaced (the trigger's WHEN is unchanged).
CREATE OR REPLACE FUNCTION patients_update_name_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM patient_name_words WHERE patient_id = OLD.id;
  DELETE FROM patient_name_word_pairs WHERE patient_id = OLD.id;
  INSERT INTO patient_name_words (clinic_id, patient_id, word, family_name, given_name, search_name)
  SELECT DISTINCT NEW.clinic_id, NEW.id, w.word, NEW.family_name, NEW.given_name, NEW.search_name
  FROM unnest(string_to_array(NEW.search_name, ' ')) AS w(word)
  WHERE w.word <> '';
  INSERT INTO patient_name_word_pairs (clinic_id, patient_id, word, other_word, family_name, given_name, search_name)
  SELECT DISTINCT NEW.clinic_id, NEW.id, a.word, b.word, NEW.family_name, NEW.given_name, NEW.search_name
  FROM unnest(string_to_array(NEW.search_name, ' ')) AS a(word), unnest(string_to_array(NEW.search_name, ' ')) AS b(word)
  WHERE a.word <> '' AND b.word <> '' AND a.word <> b.word;
  RETURN NULL;
END $$;

CREATE TABLE patient_phone_numbers (
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  patient_id uuid NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  reversed_digits text COLLATE "C" NOT NULL,
  family_name text NOT NULL,
  given_name text NOT NULL
);
INSERT INTO patient_phone_numbers (clinic_id, patient_id, reversed_digits, family_name, given_name)
SELECT DISTINCT p.clinic_id, p.id, reverse(n.digits), p.family_name, p.given_name
FROM patients p, unnest(string_to_array(p.search_phones, ' ')) AS n(digits)
WHERE n.digits <> '';
CREATE INDEX patient_phone_numbers_search_idx
  ON patient_phone_numbers (clinic_id, reversed_digits, family_name, given_name, patient_id);
ALTER TABLE patient_phone_numbers
  ADD CONSTRAINT patient_phone_numbers_patient_digits_key UNIQUE (patient_id, reversed_digits);
ANALYZE patient_phone_numbers;

CREATE FUNCTION patients_insert_phone_numbers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO patient_phone_numbers (clinic_id, patient_id, reversed_digits, family_name, given_name)
  SELECT DISTINCT n.clinic_id, n.id, reverse(d.digits), n.family_name, n.given_name
  FROM inserted n, unnest(string_to_array(n.search_phones, ' ')) AS d(digits)
  WHERE d.digits <> '';
  RETURN NULL;
END $$;
CREATE TRIGGER patients_insert_phone_numbers AFTER INSERT ON patients
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION patients_insert_phone_numbers();

CREATE FUNCTION patients_update_phone_numbers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM patient_phone_numbers WHERE patient_id = OLD.id;
  INSERT INTO patient_phone_numbers (clinic_id, patient_id, reversed_digits, family_name, given_name)
  SELECT DISTINCT NEW.clinic_id, NEW.id, reverse(d.digits), NEW.family_name, NEW.given_name
  FROM unnest(string_to_array(NEW.search_phones, ' ')) AS d(digits)
  WHERE d.digits <> '';
  RETURN NULL;
END $$;
CREATE TRIGGER patients_update_phone_numbers AFTER UPDATE OF search_phones, family_name, given_name, clinic_id ON patients
  FOR EACH ROW
  WHEN (OLD.search_phones IS DISTINCT FROM NEW.search_phones OR OLD.family_name IS DISTINCT FROM NEW.family_name
        OR OLD.given_name IS DISTINCT FROM NEW.given_name OR OLD.clinic_id IS DISTINCT FROM NEW.clinic_id)
  EXECUTE FUNCTION patients_update_phone_numbers();
