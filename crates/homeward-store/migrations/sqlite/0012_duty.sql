-- The supervisor on duty (issue 6): until when a supervisor has taken the duty. Escalations are
-- e-mailed to the supervisors on duty, and to every supervisor of the organisation while nobody
-- is. NULL (or a time past) is off duty.
ALTER TABLE users ADD COLUMN on_duty_until TEXT;
