-- Run by capture_binlog.sh against a fresh MariaDB 10.11 (log_bin, ROW, FULL image and
-- metadata). binlog_decoder_test.cc asserts the values written here: keep them in step.
SET NAMES utf8mb4;
SET time_zone = '+00:00';
SET sql_mode = '';
CREATE DATABASE capture CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE capture;

CREATE TABLE ints (
  id INT PRIMARY KEY,
  ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED,
  mi MEDIUMINT, mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
  bi BIGINT, bu BIGINT UNSIGNED) ENGINE=InnoDB;
CREATE TABLE nums (
  id INT PRIMARY KEY,
  amount DECIMAL(20,4), whole DECIMAL(10,0), tiny DECIMAL(4,2) UNSIGNED,
  f FLOAT, d DOUBLE, b1 BIT(1), b12 BIT(12)) ENGINE=InnoDB;
CREATE TABLE strs (
  id INT PRIMARY KEY,
  c CHAR(10), cl CHAR(10) CHARACTER SET latin1, wide CHAR(100), vc VARCHAR(20),
  vl VARCHAR(300), t TEXT, bn BINARY(4), vb VARBINARY(20), bl BLOB, mb MEDIUMBLOB,
  e ENUM('small','medium','large'), s SET('a','b','c','d'), j JSON,
  tl TINYTEXT CHARACTER SET latin1) ENGINE=InnoDB;
CREATE TABLE times (
  id INT PRIMARY KEY,
  dt DATE, tm0 TIME, tm6 TIME(6), dt0 DATETIME, dt3 DATETIME(3), dt6 DATETIME(6),
  ts6 TIMESTAMP(6) NULL DEFAULT NULL, ts0 TIMESTAMP NULL DEFAULT NULL, y YEAR) ENGINE=InnoDB;
CREATE TABLE geo (id INT PRIMARY KEY, g GEOMETRY) ENGINE=InnoDB;
-- A primary key with a prefix, and a non-transactional table (BEGIN/COMMIT as QUERY events).
CREATE TABLE prefixed (k VARCHAR(20), n INT, v VARCHAR(10), PRIMARY KEY (k(4), n))
  ENGINE=InnoDB;
CREATE TABLE plain (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=MyISAM;
-- The pre-MySQL-5.6 temporal formats (TIME, DATETIME, TIMESTAMP without the "2").
SET GLOBAL mysql56_temporal_format = OFF;
CREATE TABLE oldtimes (id INT PRIMARY KEY, tm TIME, dt DATETIME, ts TIMESTAMP NULL)
  ENGINE=InnoDB;
SET GLOBAL mysql56_temporal_format = ON;

INSERT INTO ints VALUES
  (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295,
   -9223372036854775808, 18446744073709551615),
  (2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9007199254740992, 9007199254740993),
  (3, -1, 1, -1, 1, -1, 1, -1, 1, -9007199254740993, 9223372036854775808),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO nums VALUES
  (1, -12345678901234.5678, -1234567890, 0.05, 1.5, 3.141592653589793, b'1', b'101010101010'),
  (2, 12.34, 0, 99.99, -0.1, -2.5e-300, b'0', b'000000000001'),
  (3, 0.0001, 9999999999, 0, 3.4e38, 1e308, NULL, NULL),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO strs VALUES
  (1, 'héllo', 'café €', REPEAT('ü', 100), 'short', REPEAT('x', 300), 'text ✓',
   X'00FF1000', X'DEADBEEF', X'000102', X'FF', 'medium', 'a,c', '{"a": [1, 2.5]}',
   'naïve'),
  (2, '', '', 'pad  ', '', '', '', X'61', X'', X'', X'', 'large', '', '[]', ''),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO times VALUES
  (1, '2024-02-29', '-838:59:59', '-01:02:03.500000', '2024-02-29 13:14:15',
   '2024-02-29 13:14:15.123', '1999-12-31 23:59:59.999999', '2024-02-29 13:14:15.654321',
   '2038-01-19 03:14:07', 2024),
  (2, '1000-01-01', '838:59:59', '00:00:00.000001', '9999-12-31 23:59:59',
   '1000-01-01 00:00:00.000', '2024-07-01 00:00:00.000010', '1970-01-01 00:00:01.000000',
   '1970-01-01 00:00:01', 1901),
  (3, '0000-00-00', '00:00:00', '-00:00:00.000001', '0000-00-00 00:00:00',
   '2024-00-10 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',
   '0000-00-00 00:00:00', 0),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO geo VALUES (1, ST_GeomFromText('POINT(1 2)')), (2, NULL);
INSERT INTO prefixed VALUES ('abcdef', 1, 'x');
INSERT INTO plain VALUES (1, 'myisam');
INSERT INTO oldtimes VALUES (1, '-12:34:56', '2024-02-29 13:14:15', '2024-02-29 13:14:15'),
  (2, '00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00');

-- One transaction with an update and a delete: one GTID, then rows events, then XID.
BEGIN;
UPDATE ints SET ti = 5, bu = 1 WHERE id = 2;
UPDATE strs SET e = 'small', s = 'b,d', c = NULL WHERE id = 2;
DELETE FROM nums WHERE id = 4;
COMMIT;

-- Partial images: only the key before, only the changed columns after.
SET SESSION binlog_row_image = MINIMAL;
UPDATE ints SET tu = 7, i = 8 WHERE id = 3;
UPDATE times SET tm6 = '12:00:00.25' WHERE id = 1;
DELETE FROM strs WHERE id = 3;
INSERT INTO geo (id) VALUES (3);
SET SESSION binlog_row_image = NOBLOB;
UPDATE strs SET vc = 'noblob' WHERE id = 1;
SET SESSION binlog_row_image = FULL;
FLUSH BINARY LOGS;
