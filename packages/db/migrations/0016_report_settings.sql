-- Reports: how the clinic counts an on-time start and a late cancellation. The Appointments
-- report reads appointments by (clinic_id, start_at): appointments_clinic_start_idx (0002) serves it.
ALTER TABLE clinics ADD COLUMN on_time_grace_minutes integer NOT NULL DEFAULT 10 CHECK (on_time_grace_minutes BETWEEN 0 AND 120);
ALTER TABLE clinics ADD COLUMN late_cancel_hours integer NOT NULL DEFAULT 24 CHECK (late_cancel_hours BETWEEN 0 AND 168);
