-- whether a value reaches a plan's target: "≤ x" when at most x; "≥ x", a bare "x" and a range "75–80" (its lower
-- bound) when at least; a qualified value only where its bound settles it ("trên 75 %" reaches "≥ 75"), never a
-- "khoảng 62 %"; null when unknown. mart_target_attainment judges with it, and so does the compare page's colouring.
create or replace macro meets(actual, comparator, target_value, qualifier) as
    case
        when actual is null or target_value is null then null
        when qualifier = '>' and actual >= target_value then comparator <> '≤'
        when qualifier = '<' and actual <= target_value then comparator = '≤'
        when qualifier is not null then null
        when comparator = '≤' then actual <= target_value
        else actual >= target_value
    end
