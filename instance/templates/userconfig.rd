<!-- The site's additions to DaCHS's //userconfig: the examples of the TAP
service (/tap/examples, which TOPCAT offers in its TAP window).  DaCHS looks
up an element here first, then in its own userconfig.rd. -->
<resource schema="__system">
  <STREAM id="tapexamples">
    <meta name="_example" title="Granules of one mission on one day (AMDA)">
      The AMDA data base has one granule per dataset and day.  Times are
      Julian Dates (UTC, see ``time_scale``): the granules of MMS1 that
      overlap 2015-10-16 (JD 2457311.5 to 2457312.5), with their data
      files and their DataLink documents (the same data cut to a time
      interval, as CDF, VOTable or ASCII) are

      .. tapquery::

        SELECT granule_uid, time_min, time_max, access_url, datalink_url
        FROM amdadb.epn_core
        WHERE instrument_host_name = 'MMS1'
          AND time_min &lt;= 2457312.5 AND time_max &gt;= 2457311.5

      in :taptable:`amdadb.epn_core`.
    </meta>

    <meta name="_example" title="The datasets of AMDA at the planets, with their spans">
      One row per dataset (``granule_gid``) of :taptable:`amdadb.epn_core`
      observing a planet, with its first and last day and its number of
      daily granules:

      .. tapquery::

        SELECT granule_gid, instrument_host_name, instrument_name,
          MIN(time_min) AS first_day, MAX(time_max) AS last_day,
          COUNT(*) AS granules
        FROM amdadb.epn_core
        WHERE target_class = 'planet'
        GROUP BY granule_gid, instrument_host_name, instrument_name
    </meta>

    <meta name="_example" title="The illumination of 67P at perihelion">
      The map of :taptable:`illu67p.epn_core` closest to the Sun, with the
      fraction of the nucleus that is lit and a preview:

      .. tapquery::

        SELECT TOP 1 granule_uid, time_min, sun_distance_min,
          illuminated_fraction, access_url, thumbnail_url
        FROM illu67p.epn_core
        ORDER BY sun_distance_min
    </meta>

    <meta name="_example" title="Transplanet runs at Mars under an active Sun">
      The ionospheric profiles of :taptable:`transplanet.epn_core` at Mars
      computed for a solar flux F10.7 of 150 or more, at their latitude
      (``c2min``, degrees) and local time (hours):

      .. tapquery::

        SELECT granule_uid, time_min, c2min, local_time_min, f107, access_url
        FROM transplanet.epn_core
        WHERE target_name = 'Mars' AND f107 &gt;= 150
        ORDER BY f107 DESC
    </meta>
  </STREAM>
</resource>
