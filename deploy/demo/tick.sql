-- One transaction of the demo's change generator (deploy/demo.sh runs it twice a second):
-- sometimes a new customer, always a new order, a status step, sometimes a deletion.
INSERT INTO customers (name, email)
SELECT first || ' ' || last, lower(first || '.' || last) || '@example.com'
FROM (SELECT (ARRAY['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Ken', 'Margaret'])
               [1 + floor(random() * 8)::int] AS first,
             (ARRAY['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Dijkstra', 'Allen', 'Thompson',
                    'Hamilton'])[1 + floor(random() * 8)::int] AS last) AS n
WHERE random() < 0.25 OR NOT EXISTS (SELECT 1 FROM customers);

INSERT INTO orders (customer_id, amount, doc)
SELECT id, round((5 + random() * 195)::numeric, 2),
       jsonb_build_object('items', 1 + floor(random() * 5)::int,
                          'channel', (ARRAY['web', 'app', 'store'])[1 + floor(random() * 3)::int])
FROM customers ORDER BY random() LIMIT 1;

UPDATE orders
SET status = CASE status WHEN 'new' THEN 'paid' WHEN 'paid' THEN 'shipped' ELSE 'delivered' END,
    updated_at = clock_timestamp()
WHERE id = (SELECT id FROM orders WHERE status <> 'delivered' ORDER BY random() LIMIT 1);

DELETE FROM orders
WHERE id = (SELECT min(id) FROM orders WHERE status = 'delivered') AND random() < 0.5;
