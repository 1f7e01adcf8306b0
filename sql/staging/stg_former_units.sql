-- one row per unit from before 1 July 2025 and each current unit it went (wholly or partly) into;
-- key (former_code, commune_code)
-- former_code is the code a former unit's rows carry ('cu:H. Minh Long', 'cu:Xã Trà Bùi'): the name as the communes
-- dimension writes it (merged_from, former_district), as warehouse/communes.py resolves it (communes.FORMER).
with communes as (
    select commune_code, merged_from, former_district from stg_communes where is_current
),

listed as (
    select commune_code, 'Xã, phường cũ' as kind, trim(unnest(string_split(coalesce(merged_from, ''), ';'))) as listed,
    from communes
    union all
    select commune_code, 'Huyện cũ', trim(unnest(string_split(coalesce(former_district, ''), ';'))),
    from communes
),

named as (
    select distinct
        'cu:' || regexp_replace(listed, '\s*\(\s*một phần\s*\)\s*$', '', 'i') as former_code,
        regexp_replace(listed, '\s*\(\s*một phần\s*\)\s*$', '', 'i') as former_name,
        kind,
        commune_code,
        regexp_matches(listed, '\(\s*một phần\s*\)\s*$', 'i') as partial,
    from listed
    where listed <> ''
)

select * from named
