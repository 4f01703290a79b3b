-- A failed message can be sent again (POST /api/messages/{id}/retry). Its links are signed when it
-- is sent, into text_body; the text as written, with its {confirmLink}/{cancelLink} placeholders,
-- is kept here so that every attempt (the worker's retries, a person's) signs them afresh for the
-- appointment as it is then, and withdraws the message when the appointment is no longer booked.
ALTER TABLE messages ADD COLUMN unsigned_text text;
ALTER TABLE messages ADD COLUMN unsigned_html text;
