// generated — do not edit. Source: schemas/*.avsc; regenerate with `pnpm --filter @adtrace/schemas codegen`.
import type { SchemaJson } from '../avro/schema-json.ts';
import type { RecordName } from './types.ts';

/** The current schema of each record, with the types it refers to inlined. */
export const currentSchemas: Readonly<Record<RecordName, SchemaJson>> = {
  Alert: {
    "type": "record",
    "name": "Alert",
    "namespace": "dev.adtrace",
    "doc": "Something ops should look at: calibration drift, a large segment change, a budget event.",
    "fields": [
      {
        "name": "alertId",
        "type": "string",
        "doc": "Unique id of the alert."
      },
      {
        "name": "kind",
        "doc": "What is wrong.",
        "type": {
          "type": "enum",
          "name": "AlertKind",
          "doc": "Alert kinds; readers map an unknown newer kind to OTHER.",
          "symbols": [
            "CALIBRATION_DRIFT",
            "LARGE_SEGMENT_CHANGE",
            "BUDGET_EXHAUSTED",
            "BUDGET_PACING",
            "OTHER"
          ],
          "default": "OTHER"
        }
      },
      {
        "name": "severity",
        "doc": "How urgent.",
        "type": {
          "type": "enum",
          "name": "AlertSeverity",
          "doc": "Alert severities.",
          "symbols": [
            "INFO",
            "WARNING",
            "CRITICAL"
          ],
          "default": "WARNING"
        }
      },
      {
        "name": "source",
        "type": "string",
        "doc": "Service or job that raised it, e.g. aggregation."
      },
      {
        "name": "campaignId",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "doc": "Campaign concerned, when there is one."
      },
      {
        "name": "segmentId",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "doc": "Segment concerned, when there is one."
      },
      {
        "name": "value",
        "type": [
          "null",
          "double"
        ],
        "default": null,
        "doc": "Observed value of the metric (e.g. calibration 1.4, segment change 0.27)."
      },
      {
        "name": "threshold",
        "type": [
          "null",
          "double"
        ],
        "default": null,
        "doc": "Threshold the value crossed."
      },
      {
        "name": "message",
        "type": "string",
        "doc": "One sentence for a person."
      },
      {
        "name": "attributes",
        "type": {
          "type": "map",
          "values": "string"
        },
        "default": {},
        "doc": "Further context as key/value pairs; never personal data."
      },
      {
        "name": "eventTimeMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "When the condition was detected, epoch ms."
      }
    ]
  },
  AttributedEvent: {
    "type": "record",
    "name": "AttributedEvent",
    "namespace": "dev.adtrace",
    "doc": "An impression, a click, or a conversion attributed (last touch) to an impression or click, with its cost and value; keyed by campaign id for aggregation.",
    "fields": [
      {
        "name": "eventId",
        "type": "string",
        "doc": "Id of this attributed event: the impression id for impressions (the impression's event id in records written before impressionId existed), the click's id (impression id + ':click') for clicks, the conversion id for conversions."
      },
      {
        "name": "kind",
        "doc": "What happened.",
        "type": {
          "type": "enum",
          "name": "AttributedEventKind",
          "doc": "Kinds of attributed event.",
          "symbols": [
            "IMPRESSION",
            "CLICK",
            "CONVERSION"
          ]
        }
      },
      {
        "name": "originalEventId",
        "type": "string",
        "doc": "Event id of the bid request the ad event started from (the trace's event)."
      },
      {
        "name": "campaignId",
        "type": "string",
        "doc": "Campaign credited (the Kafka message key)."
      },
      {
        "name": "adId",
        "type": "string",
        "doc": "Ad credited."
      },
      {
        "name": "userKey",
        "type": "string",
        "doc": "Pseudonymous user key.",
        "pii": "indirect"
      },
      {
        "name": "touch",
        "default": "NONE",
        "doc": "For conversions, which touch it was attributed to; NONE for impressions and clicks.",
        "type": {
          "type": "enum",
          "name": "AttributionTouch",
          "doc": "Last-touch attribution windows.",
          "symbols": [
            "NONE",
            "CLICK",
            "VIEW"
          ],
          "default": "NONE"
        }
      },
      {
        "name": "costMicros",
        "type": "long",
        "default": 0,
        "doc": "Spend this event causes in micros: the impression price (CPM) or click price (CPC); 0 for conversions."
      },
      {
        "name": "valueMicros",
        "type": "long",
        "default": 0,
        "doc": "Conversion value in micros; 0 for impressions and clicks."
      },
      {
        "name": "pctr",
        "type": "double",
        "default": 0,
        "doc": "Predicted CTR of the impression (impressions only, else 0), summed for predicted vs observed CTR."
      },
      {
        "name": "eventTimeMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "Event time of the impression, click or conversion, epoch ms; drives the ROAS window."
      },
      {
        "name": "attributedAtMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "When tracking attributed it, epoch ms."
      },
      {
        "name": "impressionId",
        "type": "string",
        "default": "",
        "doc": "The impression the event belongs to (impressions, clicks) or was attributed to (conversions): the impression's own id, event id + imp id. Impressions and clicks are de-duplicated by it (one click per impression counts). Empty in records written before it existed (read eventId for impressions)."
      },
      {
        "name": "touchEventId",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "doc": "Conversions: id of the touch credited (the click's event id, or the impression id for a view); null for impressions and clicks."
      },
      {
        "name": "touchTimeMs",
        "type": [
          "null",
          {
            "type": "long",
            "logicalType": "timestamp-millis"
          }
        ],
        "default": null,
        "doc": "Conversions: event time of the touch credited, epoch ms; null for impressions and clicks."
      },
      {
        "name": "originalCurrency",
        "type": "string",
        "default": "USD",
        "doc": "Conversions: ISO-4217 currency the value was reported in (valueMicros is converted to USD); USD otherwise."
      },
      {
        "name": "originalValueMicros",
        "type": "long",
        "default": 0,
        "doc": "Conversions: value in micros of originalCurrency, as reported, before conversion to USD; 0 otherwise."
      },
      {
        "name": "modelVersion",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "doc": "Impressions and clicks: version of the pCTR model that scored the impression, for calibration per model version; null for conversions, when no model ran, or in records that predate the field."
      }
    ]
  },
  AuctionOutcome: {
    "type": "record",
    "name": "AuctionOutcome",
    "namespace": "dev.adtrace",
    "doc": "The result of the auction for one impression: a win (exactly 'win' set) or a no-fill (exactly 'noFill' set), told apart by 'outcome'. An enum plus optional branches rather than a union of records, so that every reader sees one flat, evolvable record.",
    "fields": [
      {
        "name": "eventId",
        "type": "string",
        "doc": "Event id of the bid request this outcome belongs to."
      },
      {
        "name": "requestId",
        "type": "string",
        "doc": "OpenRTB request id."
      },
      {
        "name": "impId",
        "type": "string",
        "doc": "Id of the impression auctioned."
      },
      {
        "name": "userKey",
        "type": "string",
        "doc": "Pseudonymous user key (the Kafka message key).",
        "pii": "indirect"
      },
      {
        "name": "outcome",
        "doc": "WIN: 'win' is set, 'noFill' is null. NO_FILL: the reverse.",
        "type": {
          "type": "enum",
          "name": "AuctionOutcomeKind",
          "doc": "Whether the auction produced a winner.",
          "symbols": [
            "WIN",
            "NO_FILL"
          ]
        }
      },
      {
        "name": "win",
        "default": null,
        "doc": "The winner, when outcome is WIN.",
        "type": [
          "null",
          {
            "type": "record",
            "name": "AuctionWin",
            "doc": "The winning ad and its price under generalized second price.",
            "fields": [
              {
                "name": "campaignId",
                "type": "string",
                "doc": "Campaign of the winning ad."
              },
              {
                "name": "adId",
                "type": "string",
                "doc": "Winning ad."
              },
              {
                "name": "creativeId",
                "type": "string",
                "doc": "Creative of the winning ad."
              },
              {
                "name": "bidType",
                "type": {
                  "type": "enum",
                  "name": "BidType",
                  "namespace": "dev.adtrace",
                  "doc": "How an ad is paid for. CPM: the bid is per 1,000 impressions. CPC: the bid is per click, and the auction ranks it as bid x pCTR x 1000 against CPM floors.",
                  "symbols": [
                    "CPM",
                    "CPC"
                  ],
                  "default": "CPM"
                },
                "doc": "Whether the bid is per 1,000 impressions or per click."
              },
              {
                "name": "bidMicros",
                "type": "long",
                "doc": "The ad's bid in micros: a CPM for CPM bids, a price per click for CPC bids."
              },
              {
                "name": "pctr",
                "type": "double",
                "doc": "Predicted click-through rate of the ad for this request, in [0, 1]."
              },
              {
                "name": "ecpmMicros",
                "type": "long",
                "doc": "Rank score: effective CPM in micros (CPM bid, or CPC bid x pCTR x 1000)."
              },
              {
                "name": "clearingPriceCpmMicros",
                "type": "long",
                "doc": "What the winner pays per 1,000 impressions in micros under generalized second price: what it needs to beat the runner-up, never below the floor."
              },
              {
                "name": "floorCpmMicros",
                "type": "long",
                "default": 0,
                "doc": "The floor the auction applied, as a CPM in micros."
              },
              {
                "name": "runnerUp",
                "default": null,
                "doc": "The second-ranked ad, when there was one.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "RunnerUp",
                    "doc": "The ad ranked second, which sets the winner's price.",
                    "fields": [
                      {
                        "name": "campaignId",
                        "type": "string",
                        "doc": "Campaign of the runner-up."
                      },
                      {
                        "name": "adId",
                        "type": "string",
                        "doc": "Runner-up ad."
                      },
                      {
                        "name": "pctr",
                        "type": "double",
                        "doc": "Predicted click-through rate of the runner-up."
                      },
                      {
                        "name": "ecpmMicros",
                        "type": "long",
                        "doc": "Effective CPM of the runner-up in micros."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "candidates",
                "type": "int",
                "default": 0,
                "doc": "How many ads passed targeting and policy and entered the auction."
              }
            ]
          }
        ]
      },
      {
        "name": "noFill",
        "default": null,
        "doc": "Why no ad won, when outcome is NO_FILL.",
        "type": [
          "null",
          {
            "type": "record",
            "name": "NoFill",
            "doc": "A no-fill and its reason.",
            "fields": [
              {
                "name": "reason",
                "doc": "Why no ad was served.",
                "type": {
                  "type": "enum",
                  "name": "NoFillReason",
                  "doc": "No-fill reasons; readers map an unknown newer reason to OTHER.",
                  "symbols": [
                    "NO_CANDIDATES",
                    "NO_TARGETING_MATCH",
                    "BELOW_FLOOR",
                    "FREQUENCY_CAPPED",
                    "BUDGET_EXHAUSTED",
                    "POLICY_BLOCKED",
                    "BLOCKED_BY_REQUEST",
                    "TIMEOUT",
                    "OTHER"
                  ],
                  "default": "OTHER"
                }
              },
              {
                "name": "code",
                "type": [
                  "null",
                  "int"
                ],
                "default": null,
                "doc": "Prebid Server rejection code where one fits (101 timeout, 301 below floor, 304 below deal floor)."
              },
              {
                "name": "detail",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Free text for people reading dead letters and traces; never parsed."
              }
            ]
          }
        ]
      },
      {
        "name": "modelVersion",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "doc": "Version of the pCTR model file that scored the auction; null when no model ran (or the record predates the field)."
      },
      {
        "name": "decidedAtMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "When the auction decided, epoch ms."
      },
      {
        "name": "placement",
        "type": "string",
        "default": "",
        "doc": "Where the ad is shown: the site's domain, the app's bundle or the screen's domain (ingest's ads.placement); delivery counts ads.served.total by it. Empty in records written before it was added."
      },
      {
        "name": "test",
        "type": "boolean",
        "default": false,
        "doc": "The bid request was a test (OpenRTB test = 1): it is served and traced, but never counts as spend or in ROAS. False in records written before it was added."
      }
    ]
  },
  BidRequest: {
    "type": "record",
    "name": "BidRequest",
    "namespace": "dev.adtrace",
    "doc": "A normalized OpenRTB 2.6 bid request (the subset the pipeline uses), after ingest: keyed by the pseudonymous user key, PII reduced the way Prebid Server does it, raw user and device ids dropped.",
    "fields": [
      {
        "name": "eventId",
        "type": "string",
        "doc": "Pipeline event id, derived by ingest from the source and the OpenRTB request id, so that a duplicate maps to the same event; every span and downstream record of this ad event carries it."
      },
      {
        "name": "receivedAtMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "When ingest received the request, epoch ms."
      },
      {
        "name": "id",
        "type": "string",
        "doc": "OpenRTB request id chosen by the exchange; ingest de-duplicates on it."
      },
      {
        "name": "imp",
        "doc": "Impressions offered, at least one, ids unique within the request.",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "Imp",
            "doc": "One impression opportunity (OpenRTB imp).",
            "fields": [
              {
                "name": "id",
                "type": "string",
                "doc": "Impression id, unique within the request."
              },
              {
                "name": "banner",
                "default": null,
                "doc": "Banner placement, when the impression accepts banners.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "Banner",
                    "doc": "A banner placement (OpenRTB imp.banner).",
                    "fields": [
                      {
                        "name": "format",
                        "default": [],
                        "doc": "Accepted sizes, preferred first; from banner.format, or banner.w/h when format is absent.",
                        "type": {
                          "type": "array",
                          "items": {
                            "type": "record",
                            "name": "Format",
                            "doc": "One accepted banner size in device-independent pixels.",
                            "fields": [
                              {
                                "name": "w",
                                "type": "int",
                                "doc": "Width in device-independent pixels."
                              },
                              {
                                "name": "h",
                                "type": "int",
                                "doc": "Height in device-independent pixels."
                              }
                            ]
                          }
                        }
                      },
                      {
                        "name": "pos",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Ad position on screen (OpenRTB list 'Placement Positions'), when given."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "video",
                "default": null,
                "doc": "Video placement, when the impression accepts video.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "Video",
                    "doc": "A video placement (OpenRTB imp.video).",
                    "fields": [
                      {
                        "name": "mimes",
                        "type": {
                          "type": "array",
                          "items": "string"
                        },
                        "default": [],
                        "doc": "Accepted content MIME types."
                      },
                      {
                        "name": "minduration",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Minimum ad duration in seconds."
                      },
                      {
                        "name": "maxduration",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Maximum ad duration in seconds."
                      },
                      {
                        "name": "w",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Player width in device-independent pixels."
                      },
                      {
                        "name": "h",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Player height in device-independent pixels."
                      },
                      {
                        "name": "protocols",
                        "type": {
                          "type": "array",
                          "items": "int"
                        },
                        "default": [],
                        "doc": "Supported video protocols (OpenRTB list 'Creative Subtypes - Audio/Video')."
                      },
                      {
                        "name": "plcmt",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Video placement subtype (OpenRTB 2.6 plcmt)."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "audio",
                "default": null,
                "doc": "Audio placement, when the impression accepts audio; carried for delivery, not served yet.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "Audio",
                    "doc": "An audio placement (OpenRTB imp.audio).",
                    "fields": [
                      {
                        "name": "mimes",
                        "type": {
                          "type": "array",
                          "items": "string"
                        },
                        "default": [],
                        "doc": "Accepted content MIME types."
                      },
                      {
                        "name": "minduration",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Minimum ad duration in seconds."
                      },
                      {
                        "name": "maxduration",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Maximum ad duration in seconds."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "native",
                "default": null,
                "doc": "Native placement, when the impression accepts native ads: carried so that a native-only imp is not lost.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "Native",
                    "doc": "A native placement (OpenRTB imp.native).",
                    "fields": [
                      {
                        "name": "request",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "The Native Ads request as a JSON string (OpenRTB 2.6 native.request)."
                      },
                      {
                        "name": "ver",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Version of the Native Ads specification of request."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "bidfloorMicros",
                "type": "long",
                "default": 0,
                "doc": "Minimum bid as a CPM in micros of bidfloorcur (OpenRTB bidfloor x 1e6); ingest converts floors to USD, so bidfloorcur is USD after it; 0 when absent."
              },
              {
                "name": "bidfloorcur",
                "type": "string",
                "default": "USD",
                "doc": "ISO-4217 currency of the floor; OpenRTB default USD."
              },
              {
                "name": "tagid",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Placement or ad tag id on the publisher side."
              }
            ]
          }
        }
      },
      {
        "name": "site",
        "default": null,
        "doc": "The website, when the ad is shown on a site; at most one of site, app, dooh is set.",
        "type": [
          "null",
          {
            "type": "record",
            "name": "Site",
            "doc": "A website (OpenRTB site).",
            "fields": [
              {
                "name": "id",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Exchange-specific site id."
              },
              {
                "name": "domain",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Site domain, e.g. news.example."
              },
              {
                "name": "page",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "URL of the page; can identify a person through path or query, hence indirect PII.",
                "pii": "indirect"
              },
              {
                "name": "cat",
                "type": {
                  "type": "array",
                  "items": "string"
                },
                "default": [],
                "doc": "IAB content categories of the site."
              },
              {
                "name": "publisherId",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Exchange-specific publisher id (OpenRTB site.publisher.id)."
              }
            ]
          }
        ]
      },
      {
        "name": "app",
        "default": null,
        "doc": "The application, when the ad is shown in an app.",
        "type": [
          "null",
          {
            "type": "record",
            "name": "App",
            "doc": "A mobile or CTV application (OpenRTB app).",
            "fields": [
              {
                "name": "id",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Exchange-specific app id."
              },
              {
                "name": "bundle",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Store bundle or package name, e.g. com.example.game."
              },
              {
                "name": "domain",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "App domain."
              },
              {
                "name": "cat",
                "type": {
                  "type": "array",
                  "items": "string"
                },
                "default": [],
                "doc": "IAB content categories of the app."
              },
              {
                "name": "publisherId",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Exchange-specific publisher id (OpenRTB app.publisher.id)."
              }
            ]
          }
        ]
      },
      {
        "name": "dooh",
        "default": null,
        "doc": "The digital out-of-home screen, when the ad is shown on one.",
        "type": [
          "null",
          {
            "type": "record",
            "name": "Dooh",
            "doc": "A digital out-of-home placement (OpenRTB 2.6 dooh).",
            "fields": [
              {
                "name": "id",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Exchange-specific DOOH placement id."
              },
              {
                "name": "venuetype",
                "type": {
                  "type": "array",
                  "items": "string"
                },
                "default": [],
                "doc": "Venue types (OpenRTB dooh.venuetype)."
              },
              {
                "name": "domain",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Domain of the DOOH owner."
              },
              {
                "name": "publisherId",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Exchange-specific publisher id (OpenRTB dooh.publisher.id)."
              }
            ]
          }
        ]
      },
      {
        "name": "device",
        "default": null,
        "doc": "The device, PII reduced: no device ids, truncated IP, rounded location.",
        "type": [
          "null",
          {
            "type": "record",
            "name": "Device",
            "doc": "A device (OpenRTB device) after PII reduction.",
            "fields": [
              {
                "name": "ua",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "User agent; with other data it can single a person out.",
                "pii": "indirect"
              },
              {
                "name": "ip",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "IP address truncated by ingest: IPv4 to /24, IPv6 to /56 (textual form). Never the full address.",
                "pii": "indirect"
              },
              {
                "name": "geo",
                "default": null,
                "doc": "Device location, reduced.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "Geo",
                    "doc": "A location (OpenRTB geo) reduced by ingest: lat/lon rounded to 2 decimals; city, zip and metro dropped under COPPA.",
                    "fields": [
                      {
                        "name": "lat",
                        "type": [
                          "null",
                          "double"
                        ],
                        "default": null,
                        "doc": "Latitude rounded to 2 decimals (about 1 km).",
                        "pii": "indirect"
                      },
                      {
                        "name": "lon",
                        "type": [
                          "null",
                          "double"
                        ],
                        "default": null,
                        "doc": "Longitude rounded to 2 decimals (about 1 km).",
                        "pii": "indirect"
                      },
                      {
                        "name": "country",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Country, ISO-3166-1 alpha-3 as OpenRTB sends it."
                      },
                      {
                        "name": "region",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Region, ISO-3166-2 subdivision code."
                      },
                      {
                        "name": "city",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "City name; dropped under COPPA.",
                        "pii": "indirect"
                      },
                      {
                        "name": "zip",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Postal code; dropped under COPPA.",
                        "pii": "indirect"
                      },
                      {
                        "name": "metro",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Metro (DMA) code; dropped under COPPA.",
                        "pii": "indirect"
                      }
                    ]
                  }
                ]
              },
              {
                "name": "os",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Operating system, e.g. iOS, Android."
              },
              {
                "name": "devicetype",
                "type": [
                  "null",
                  "int"
                ],
                "default": null,
                "doc": "OpenRTB device type (list 'Device Types'): 1 mobile/tablet, 2 PC, 3 CTV, 4 phone, 5 tablet, 6 connected device, 7 set-top box, 8 OOH device."
              }
            ]
          }
        ]
      },
      {
        "name": "userKey",
        "type": "string",
        "doc": "Pseudonymous user key derived by ingest (keyed HMAC of the user and device ids); the Kafka message key from ingest onward. Raw user ids never travel.",
        "pii": "indirect"
      },
      {
        "name": "regs",
        "doc": "Privacy regulations that apply to the request.",
        "type": {
          "type": "record",
          "name": "Regs",
          "doc": "Privacy signals (OpenRTB 2.6 regs, with the GDPR consent string from user.consent).",
          "fields": [
            {
              "name": "gdpr",
              "type": [
                "null",
                "boolean"
              ],
              "default": null,
              "doc": "Whether GDPR applies (regs.gdpr = 1); null when the exchange does not say."
            },
            {
              "name": "consent",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "IAB TCF consent string (OpenRTB user.consent); holds one person's choices.",
              "pii": "indirect"
            },
            {
              "name": "coppa",
              "type": "boolean",
              "default": false,
              "doc": "Whether COPPA applies (regs.coppa = 1): ingest has then also dropped city, zip and metro."
            },
            {
              "name": "us_privacy",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "IAB CCPA US Privacy string."
            },
            {
              "name": "gpp",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "IAB Global Privacy Platform consent string.",
              "pii": "indirect"
            },
            {
              "name": "gpp_sid",
              "type": {
                "type": "array",
                "items": "int"
              },
              "default": [],
              "doc": "GPP section ids that apply."
            }
          ]
        }
      },
      {
        "name": "test",
        "type": "boolean",
        "default": false,
        "doc": "A test request (OpenRTB test = 1): it flows and is traced, but never counts as spend or in ROAS."
      },
      {
        "name": "at",
        "type": "int",
        "default": 2,
        "doc": "Auction type: 1 first price, 2 second price plus (OpenRTB default), above 500 exchange-specific."
      },
      {
        "name": "tmax",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "doc": "Time the exchange allows for the bid, in ms, network included."
      },
      {
        "name": "cur",
        "type": {
          "type": "array",
          "items": "string"
        },
        "default": [],
        "doc": "Currencies allowed for bids (ISO-4217); empty means the exchange default."
      },
      {
        "name": "bcat",
        "type": {
          "type": "array",
          "items": "string"
        },
        "default": [],
        "doc": "Blocked advertiser categories (IAB content taxonomy)."
      },
      {
        "name": "badv",
        "type": {
          "type": "array",
          "items": "string"
        },
        "default": [],
        "doc": "Blocked advertiser domains."
      }
    ]
  },
  Campaign: {
    "type": "record",
    "name": "Campaign",
    "namespace": "dev.adtrace",
    "doc": "A campaign and its ads, as published to the compacted campaigns topic (latest value per campaign id; a null value deletes).",
    "fields": [
      {
        "name": "id",
        "type": "string",
        "doc": "Campaign id (the Kafka message key)."
      },
      {
        "name": "name",
        "type": "string",
        "doc": "Human-readable name."
      },
      {
        "name": "advertiserId",
        "type": "string",
        "doc": "Advertiser who owns the campaign."
      },
      {
        "name": "active",
        "type": "boolean",
        "default": true,
        "doc": "Whether the campaign may bid at all."
      },
      {
        "name": "startMs",
        "type": [
          "null",
          {
            "type": "long",
            "logicalType": "timestamp-millis"
          }
        ],
        "default": null,
        "doc": "First moment the campaign may bid, epoch ms; null for no start limit."
      },
      {
        "name": "endMs",
        "type": [
          "null",
          {
            "type": "long",
            "logicalType": "timestamp-millis"
          }
        ],
        "default": null,
        "doc": "Moment the campaign stops bidding, epoch ms; null for no end."
      },
      {
        "name": "targeting",
        "doc": "Who may see the campaign's ads; an empty list means any.",
        "type": {
          "type": "record",
          "name": "Targeting",
          "doc": "Targeting criteria; all non-empty lists must match (AND), items within a list are alternatives (OR).",
          "fields": [
            {
              "name": "countries",
              "type": {
                "type": "array",
                "items": "string"
              },
              "default": [],
              "doc": "ISO-3166-1 alpha-3 countries."
            },
            {
              "name": "geoRegions",
              "type": {
                "type": "array",
                "items": "string"
              },
              "default": [],
              "doc": "Regions as profiling names them (e.g. USA-CA)."
            },
            {
              "name": "deviceTypes",
              "type": {
                "type": "array",
                "items": "int"
              },
              "default": [],
              "doc": "OpenRTB device types."
            },
            {
              "name": "os",
              "type": {
                "type": "array",
                "items": "string"
              },
              "default": [],
              "doc": "Operating systems."
            },
            {
              "name": "segments",
              "type": {
                "type": "array",
                "items": "string"
              },
              "default": [],
              "doc": "Audience segments, any of which qualifies."
            },
            {
              "name": "excludedSegments",
              "type": {
                "type": "array",
                "items": "string"
              },
              "default": [],
              "doc": "Audience segments that disqualify."
            },
            {
              "name": "ageBrackets",
              "type": {
                "type": "array",
                "items": {
                  "type": "enum",
                  "name": "AgeBracket",
                  "namespace": "dev.adtrace",
                  "doc": "Inferred age bracket of a user. Never a birth year: the bracket is as fine as targeting needs and no finer. UNKNOWN is the default for readers that meet a newer symbol.",
                  "symbols": [
                    "UNKNOWN",
                    "AGE_13_17",
                    "AGE_18_24",
                    "AGE_25_34",
                    "AGE_35_44",
                    "AGE_45_54",
                    "AGE_55_64",
                    "AGE_65_PLUS"
                  ],
                  "default": "UNKNOWN"
                }
              },
              "default": [],
              "doc": "Age brackets."
            },
            {
              "name": "domains",
              "type": {
                "type": "array",
                "items": "string"
              },
              "default": [],
              "doc": "Site domains or app bundles to show on."
            }
          ]
        }
      },
      {
        "name": "frequencyCaps",
        "default": [],
        "doc": "Caps per user x campaign x window; every cap must hold. Counted on billable impressions.",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "FrequencyCap",
            "doc": "At most maxImpressions impressions per user within any windowMs.",
            "fields": [
              {
                "name": "maxImpressions",
                "type": "int",
                "doc": "Impressions allowed per user per window."
              },
              {
                "name": "windowMs",
                "type": "long",
                "doc": "Window length in ms (e.g. 86400000 for a day)."
              }
            ]
          }
        }
      },
      {
        "name": "budget",
        "doc": "Spend limits; the auction drops the campaign once one is reached.",
        "type": {
          "type": "record",
          "name": "Budget",
          "doc": "Spend limits in micros.",
          "fields": [
            {
              "name": "totalMicros",
              "type": "long",
              "doc": "Lifetime budget in micros."
            },
            {
              "name": "dailyMicros",
              "type": [
                "null",
                "long"
              ],
              "default": null,
              "doc": "Daily budget in micros (UTC days); null for none."
            },
            {
              "name": "currency",
              "type": "string",
              "default": "USD",
              "doc": "ISO-4217 currency of the budget."
            }
          ]
        }
      },
      {
        "name": "ads",
        "doc": "The campaign's ads; each bids on its own.",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "Ad",
            "doc": "One ad: bid, embedding, creative and policy flags.",
            "fields": [
              {
                "name": "id",
                "type": "string",
                "doc": "Ad id, unique across campaigns."
              },
              {
                "name": "active",
                "type": "boolean",
                "default": true,
                "doc": "Whether the ad may bid."
              },
              {
                "name": "bidType",
                "type": {
                  "type": "enum",
                  "name": "BidType",
                  "namespace": "dev.adtrace",
                  "doc": "How an ad is paid for. CPM: the bid is per 1,000 impressions. CPC: the bid is per click, and the auction ranks it as bid x pCTR x 1000 against CPM floors.",
                  "symbols": [
                    "CPM",
                    "CPC"
                  ],
                  "default": "CPM"
                },
                "doc": "CPM or CPC."
              },
              {
                "name": "bidMicros",
                "type": "long",
                "doc": "Bid in micros: a CPM for CPM ads, a price per click for CPC ads."
              },
              {
                "name": "embedding",
                "type": {
                  "type": "array",
                  "items": "float"
                },
                "default": [],
                "doc": "Ad embedding in the same space as user interest embeddings, for nearest-neighbour candidate selection."
              },
              {
                "name": "creative",
                "doc": "What is shown.",
                "type": {
                  "type": "record",
                  "name": "Creative",
                  "doc": "A creative: markup template and landing page.",
                  "fields": [
                    {
                      "name": "id",
                      "type": "string",
                      "doc": "Creative id."
                    },
                    {
                      "name": "format",
                      "doc": "Banner or video.",
                      "type": {
                        "type": "enum",
                        "name": "CreativeFormat",
                        "doc": "Media types the pipeline serves.",
                        "symbols": [
                          "BANNER",
                          "VIDEO"
                        ]
                      }
                    },
                    {
                      "name": "w",
                      "type": "int",
                      "doc": "Width in device-independent pixels."
                    },
                    {
                      "name": "h",
                      "type": "int",
                      "doc": "Height in device-independent pixels."
                    },
                    {
                      "name": "markup",
                      "type": "string",
                      "doc": "HTML or VAST template; delivery fills in the impression and click URLs."
                    },
                    {
                      "name": "clickUrl",
                      "type": "string",
                      "doc": "Landing page."
                    },
                    {
                      "name": "adomain",
                      "type": {
                        "type": "array",
                        "items": "string"
                      },
                      "default": [],
                      "doc": "Advertiser domains, matched against the request's badv."
                    },
                    {
                      "name": "cat",
                      "type": {
                        "type": "array",
                        "items": "string"
                      },
                      "default": [],
                      "doc": "IAB categories of the creative, matched against the request's bcat."
                    }
                  ]
                }
              },
              {
                "name": "policyFlags",
                "default": [],
                "doc": "Sensitive content the ad carries; policy_filter keeps flagged ads away from requests that forbid them (e.g. COPPA).",
                "type": {
                  "type": "array",
                  "items": {
                    "type": "enum",
                    "name": "PolicyFlag",
                    "doc": "Sensitive ad content; readers map an unknown newer flag to OTHER_SENSITIVE.",
                    "symbols": [
                      "ALCOHOL",
                      "GAMBLING",
                      "ADULT",
                      "POLITICAL",
                      "HEALTH",
                      "FINANCIAL",
                      "OTHER_SENSITIVE"
                    ],
                    "default": "OTHER_SENSITIVE"
                  }
                }
              }
            ]
          }
        }
      },
      {
        "name": "updatedAtMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "When this version was published, epoch ms."
      }
    ]
  },
  CampaignSpend: {
    "type": "record",
    "name": "CampaignSpend",
    "namespace": "dev.adtrace",
    "doc": "What a campaign has spent, total and today, as aggregation counts it: the value of the compacted adtrace.campaign-spend topic (key: campaign id), which the auction reads as a global table for budgets and pacing. Counts every de-duplicated impression and click however late (money spent is spent, even when a ROAS window no longer takes the event).",
    "fields": [
      {
        "name": "campaignId",
        "type": "string",
        "doc": "Campaign (the Kafka message key)."
      },
      {
        "name": "currency",
        "type": "string",
        "default": "USD",
        "doc": "ISO-4217 currency of the amounts: always USD, the currency of prices."
      },
      {
        "name": "totalSpendMicros",
        "type": "long",
        "default": 0,
        "doc": "Spend since the campaign started, in micros."
      },
      {
        "name": "todaySpendMicros",
        "type": "long",
        "default": 0,
        "doc": "Spend with event time in the UTC day that starts at dayStartMs, in micros. A reader whose clock is on a later UTC day reads it as 0."
      },
      {
        "name": "dayStartMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "Start of the UTC day todaySpendMicros covers: the day of the campaign's latest event time, epoch ms."
      },
      {
        "name": "impressions",
        "type": "long",
        "default": 0,
        "doc": "Impressions counted since the campaign started."
      },
      {
        "name": "clicks",
        "type": "long",
        "default": 0,
        "doc": "Clicks counted since the campaign started."
      },
      {
        "name": "updatedAtMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "Latest event time applied, epoch ms: the campaign's stream time."
      },
      {
        "name": "emittedAtMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "When aggregation produced this value (processing time), epoch ms."
      }
    ]
  },
  Impression: {
    "type": "record",
    "name": "Impression",
    "namespace": "dev.adtrace",
    "doc": "A creative served to a user: the billable event that counts impressions, spend and frequency caps (a win alone does not).",
    "fields": [
      {
        "name": "eventId",
        "type": "string",
        "doc": "Event id of the bid request this impression belongs to."
      },
      {
        "name": "impressionId",
        "type": "string",
        "default": "",
        "doc": "Id of this impression: derived from the event id and the imp id, so that two winning imps of one request stay two impressions. Empty in records written before it existed (read it as eventId + impId)."
      },
      {
        "name": "requestId",
        "type": "string",
        "doc": "OpenRTB request id."
      },
      {
        "name": "impId",
        "type": "string",
        "doc": "Id of the impression slot within the request."
      },
      {
        "name": "userKey",
        "type": "string",
        "doc": "Pseudonymous user key (the Kafka message key).",
        "pii": "indirect"
      },
      {
        "name": "campaignId",
        "type": "string",
        "doc": "Campaign of the served ad."
      },
      {
        "name": "adId",
        "type": "string",
        "doc": "Served ad."
      },
      {
        "name": "creativeId",
        "type": "string",
        "doc": "Served creative."
      },
      {
        "name": "trackingToken",
        "type": "string",
        "doc": "Signed token carried by the impression and click URLs: event id, campaign, ad, user key, price, trace context. Clicks and conversions present it back.",
        "pii": "indirect"
      },
      {
        "name": "bidType",
        "type": {
          "type": "enum",
          "name": "BidType",
          "namespace": "dev.adtrace",
          "doc": "How an ad is paid for. CPM: the bid is per 1,000 impressions. CPC: the bid is per click, and the auction ranks it as bid x pCTR x 1000 against CPM floors.",
          "symbols": [
            "CPM",
            "CPC"
          ],
          "default": "CPM"
        },
        "doc": "How the campaign pays: CPM impressions are charged here, CPC ones on click."
      },
      {
        "name": "priceMicros",
        "type": "long",
        "doc": "Cost of this one impression in micros (clearing CPM / 1000); 0 for CPC ads, which pay on click."
      },
      {
        "name": "clickPriceMicros",
        "type": "long",
        "default": 0,
        "doc": "What a click on this impression costs in micros for CPC ads; 0 for CPM ads."
      },
      {
        "name": "pctr",
        "type": "double",
        "doc": "Predicted click-through rate at auction time, for calibration (observed vs predicted CTR)."
      },
      {
        "name": "eventTimeMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "When the impression was served, epoch ms (event time)."
      },
      {
        "name": "modelVersion",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "doc": "Version of the pCTR model that predicted pctr (the auction's modelVersion), for calibration per model version; null when no model ran or in records that predate the field."
      },
      {
        "name": "test",
        "type": "boolean",
        "default": false,
        "doc": "Served for a test request (OpenRTB test = 1): tracked and traced, never counted as spend or in ROAS. False in records written before it was added."
      },
      {
        "name": "markup",
        "type": "string",
        "default": "",
        "doc": "The creative as served: the ad's HTML (banner, native) or VAST (video) template filled with this impression's tracking URLs. Empty in records written before it was added."
      },
      {
        "name": "impressionUrl",
        "type": "string",
        "default": "",
        "doc": "Impression pixel URL: the tracker's /imp endpoint with the signed tracking token. Empty in records written before it was added.",
        "pii": "indirect"
      },
      {
        "name": "clickUrl",
        "type": "string",
        "default": "",
        "doc": "Click URL: the tracker's /click endpoint with the signed tracking token, redirecting to the ad's landing page. Empty in records written before it was added.",
        "pii": "indirect"
      }
    ]
  },
  ProfiledRequest: {
    "type": "record",
    "name": "ProfiledRequest",
    "namespace": "dev.adtrace",
    "doc": "A bid request with the profile of its user, produced by profiling for the auction.",
    "fields": [
      {
        "name": "request",
        "type": {
          "type": "record",
          "name": "BidRequest",
          "namespace": "dev.adtrace",
          "doc": "A normalized OpenRTB 2.6 bid request (the subset the pipeline uses), after ingest: keyed by the pseudonymous user key, PII reduced the way Prebid Server does it, raw user and device ids dropped.",
          "fields": [
            {
              "name": "eventId",
              "type": "string",
              "doc": "Pipeline event id, derived by ingest from the source and the OpenRTB request id, so that a duplicate maps to the same event; every span and downstream record of this ad event carries it."
            },
            {
              "name": "receivedAtMs",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When ingest received the request, epoch ms."
            },
            {
              "name": "id",
              "type": "string",
              "doc": "OpenRTB request id chosen by the exchange; ingest de-duplicates on it."
            },
            {
              "name": "imp",
              "doc": "Impressions offered, at least one, ids unique within the request.",
              "type": {
                "type": "array",
                "items": {
                  "type": "record",
                  "name": "Imp",
                  "doc": "One impression opportunity (OpenRTB imp).",
                  "fields": [
                    {
                      "name": "id",
                      "type": "string",
                      "doc": "Impression id, unique within the request."
                    },
                    {
                      "name": "banner",
                      "default": null,
                      "doc": "Banner placement, when the impression accepts banners.",
                      "type": [
                        "null",
                        {
                          "type": "record",
                          "name": "Banner",
                          "doc": "A banner placement (OpenRTB imp.banner).",
                          "fields": [
                            {
                              "name": "format",
                              "default": [],
                              "doc": "Accepted sizes, preferred first; from banner.format, or banner.w/h when format is absent.",
                              "type": {
                                "type": "array",
                                "items": {
                                  "type": "record",
                                  "name": "Format",
                                  "doc": "One accepted banner size in device-independent pixels.",
                                  "fields": [
                                    {
                                      "name": "w",
                                      "type": "int",
                                      "doc": "Width in device-independent pixels."
                                    },
                                    {
                                      "name": "h",
                                      "type": "int",
                                      "doc": "Height in device-independent pixels."
                                    }
                                  ]
                                }
                              }
                            },
                            {
                              "name": "pos",
                              "type": [
                                "null",
                                "int"
                              ],
                              "default": null,
                              "doc": "Ad position on screen (OpenRTB list 'Placement Positions'), when given."
                            }
                          ]
                        }
                      ]
                    },
                    {
                      "name": "video",
                      "default": null,
                      "doc": "Video placement, when the impression accepts video.",
                      "type": [
                        "null",
                        {
                          "type": "record",
                          "name": "Video",
                          "doc": "A video placement (OpenRTB imp.video).",
                          "fields": [
                            {
                              "name": "mimes",
                              "type": {
                                "type": "array",
                                "items": "string"
                              },
                              "default": [],
                              "doc": "Accepted content MIME types."
                            },
                            {
                              "name": "minduration",
                              "type": [
                                "null",
                                "int"
                              ],
                              "default": null,
                              "doc": "Minimum ad duration in seconds."
                            },
                            {
                              "name": "maxduration",
                              "type": [
                                "null",
                                "int"
                              ],
                              "default": null,
                              "doc": "Maximum ad duration in seconds."
                            },
                            {
                              "name": "w",
                              "type": [
                                "null",
                                "int"
                              ],
                              "default": null,
                              "doc": "Player width in device-independent pixels."
                            },
                            {
                              "name": "h",
                              "type": [
                                "null",
                                "int"
                              ],
                              "default": null,
                              "doc": "Player height in device-independent pixels."
                            },
                            {
                              "name": "protocols",
                              "type": {
                                "type": "array",
                                "items": "int"
                              },
                              "default": [],
                              "doc": "Supported video protocols (OpenRTB list 'Creative Subtypes - Audio/Video')."
                            },
                            {
                              "name": "plcmt",
                              "type": [
                                "null",
                                "int"
                              ],
                              "default": null,
                              "doc": "Video placement subtype (OpenRTB 2.6 plcmt)."
                            }
                          ]
                        }
                      ]
                    },
                    {
                      "name": "audio",
                      "default": null,
                      "doc": "Audio placement, when the impression accepts audio; carried for delivery, not served yet.",
                      "type": [
                        "null",
                        {
                          "type": "record",
                          "name": "Audio",
                          "doc": "An audio placement (OpenRTB imp.audio).",
                          "fields": [
                            {
                              "name": "mimes",
                              "type": {
                                "type": "array",
                                "items": "string"
                              },
                              "default": [],
                              "doc": "Accepted content MIME types."
                            },
                            {
                              "name": "minduration",
                              "type": [
                                "null",
                                "int"
                              ],
                              "default": null,
                              "doc": "Minimum ad duration in seconds."
                            },
                            {
                              "name": "maxduration",
                              "type": [
                                "null",
                                "int"
                              ],
                              "default": null,
                              "doc": "Maximum ad duration in seconds."
                            }
                          ]
                        }
                      ]
                    },
                    {
                      "name": "native",
                      "default": null,
                      "doc": "Native placement, when the impression accepts native ads: carried so that a native-only imp is not lost.",
                      "type": [
                        "null",
                        {
                          "type": "record",
                          "name": "Native",
                          "doc": "A native placement (OpenRTB imp.native).",
                          "fields": [
                            {
                              "name": "request",
                              "type": [
                                "null",
                                "string"
                              ],
                              "default": null,
                              "doc": "The Native Ads request as a JSON string (OpenRTB 2.6 native.request)."
                            },
                            {
                              "name": "ver",
                              "type": [
                                "null",
                                "string"
                              ],
                              "default": null,
                              "doc": "Version of the Native Ads specification of request."
                            }
                          ]
                        }
                      ]
                    },
                    {
                      "name": "bidfloorMicros",
                      "type": "long",
                      "default": 0,
                      "doc": "Minimum bid as a CPM in micros of bidfloorcur (OpenRTB bidfloor x 1e6); ingest converts floors to USD, so bidfloorcur is USD after it; 0 when absent."
                    },
                    {
                      "name": "bidfloorcur",
                      "type": "string",
                      "default": "USD",
                      "doc": "ISO-4217 currency of the floor; OpenRTB default USD."
                    },
                    {
                      "name": "tagid",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "Placement or ad tag id on the publisher side."
                    }
                  ]
                }
              }
            },
            {
              "name": "site",
              "default": null,
              "doc": "The website, when the ad is shown on a site; at most one of site, app, dooh is set.",
              "type": [
                "null",
                {
                  "type": "record",
                  "name": "Site",
                  "doc": "A website (OpenRTB site).",
                  "fields": [
                    {
                      "name": "id",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "Exchange-specific site id."
                    },
                    {
                      "name": "domain",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "Site domain, e.g. news.example."
                    },
                    {
                      "name": "page",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "URL of the page; can identify a person through path or query, hence indirect PII.",
                      "pii": "indirect"
                    },
                    {
                      "name": "cat",
                      "type": {
                        "type": "array",
                        "items": "string"
                      },
                      "default": [],
                      "doc": "IAB content categories of the site."
                    },
                    {
                      "name": "publisherId",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "Exchange-specific publisher id (OpenRTB site.publisher.id)."
                    }
                  ]
                }
              ]
            },
            {
              "name": "app",
              "default": null,
              "doc": "The application, when the ad is shown in an app.",
              "type": [
                "null",
                {
                  "type": "record",
                  "name": "App",
                  "doc": "A mobile or CTV application (OpenRTB app).",
                  "fields": [
                    {
                      "name": "id",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "Exchange-specific app id."
                    },
                    {
                      "name": "bundle",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "Store bundle or package name, e.g. com.example.game."
                    },
                    {
                      "name": "domain",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "App domain."
                    },
                    {
                      "name": "cat",
                      "type": {
                        "type": "array",
                        "items": "string"
                      },
                      "default": [],
                      "doc": "IAB content categories of the app."
                    },
                    {
                      "name": "publisherId",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "Exchange-specific publisher id (OpenRTB app.publisher.id)."
                    }
                  ]
                }
              ]
            },
            {
              "name": "dooh",
              "default": null,
              "doc": "The digital out-of-home screen, when the ad is shown on one.",
              "type": [
                "null",
                {
                  "type": "record",
                  "name": "Dooh",
                  "doc": "A digital out-of-home placement (OpenRTB 2.6 dooh).",
                  "fields": [
                    {
                      "name": "id",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "Exchange-specific DOOH placement id."
                    },
                    {
                      "name": "venuetype",
                      "type": {
                        "type": "array",
                        "items": "string"
                      },
                      "default": [],
                      "doc": "Venue types (OpenRTB dooh.venuetype)."
                    },
                    {
                      "name": "domain",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "Domain of the DOOH owner."
                    },
                    {
                      "name": "publisherId",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "Exchange-specific publisher id (OpenRTB dooh.publisher.id)."
                    }
                  ]
                }
              ]
            },
            {
              "name": "device",
              "default": null,
              "doc": "The device, PII reduced: no device ids, truncated IP, rounded location.",
              "type": [
                "null",
                {
                  "type": "record",
                  "name": "Device",
                  "doc": "A device (OpenRTB device) after PII reduction.",
                  "fields": [
                    {
                      "name": "ua",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "User agent; with other data it can single a person out.",
                      "pii": "indirect"
                    },
                    {
                      "name": "ip",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "IP address truncated by ingest: IPv4 to /24, IPv6 to /56 (textual form). Never the full address.",
                      "pii": "indirect"
                    },
                    {
                      "name": "geo",
                      "default": null,
                      "doc": "Device location, reduced.",
                      "type": [
                        "null",
                        {
                          "type": "record",
                          "name": "Geo",
                          "doc": "A location (OpenRTB geo) reduced by ingest: lat/lon rounded to 2 decimals; city, zip and metro dropped under COPPA.",
                          "fields": [
                            {
                              "name": "lat",
                              "type": [
                                "null",
                                "double"
                              ],
                              "default": null,
                              "doc": "Latitude rounded to 2 decimals (about 1 km).",
                              "pii": "indirect"
                            },
                            {
                              "name": "lon",
                              "type": [
                                "null",
                                "double"
                              ],
                              "default": null,
                              "doc": "Longitude rounded to 2 decimals (about 1 km).",
                              "pii": "indirect"
                            },
                            {
                              "name": "country",
                              "type": [
                                "null",
                                "string"
                              ],
                              "default": null,
                              "doc": "Country, ISO-3166-1 alpha-3 as OpenRTB sends it."
                            },
                            {
                              "name": "region",
                              "type": [
                                "null",
                                "string"
                              ],
                              "default": null,
                              "doc": "Region, ISO-3166-2 subdivision code."
                            },
                            {
                              "name": "city",
                              "type": [
                                "null",
                                "string"
                              ],
                              "default": null,
                              "doc": "City name; dropped under COPPA.",
                              "pii": "indirect"
                            },
                            {
                              "name": "zip",
                              "type": [
                                "null",
                                "string"
                              ],
                              "default": null,
                              "doc": "Postal code; dropped under COPPA.",
                              "pii": "indirect"
                            },
                            {
                              "name": "metro",
                              "type": [
                                "null",
                                "string"
                              ],
                              "default": null,
                              "doc": "Metro (DMA) code; dropped under COPPA.",
                              "pii": "indirect"
                            }
                          ]
                        }
                      ]
                    },
                    {
                      "name": "os",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "Operating system, e.g. iOS, Android."
                    },
                    {
                      "name": "devicetype",
                      "type": [
                        "null",
                        "int"
                      ],
                      "default": null,
                      "doc": "OpenRTB device type (list 'Device Types'): 1 mobile/tablet, 2 PC, 3 CTV, 4 phone, 5 tablet, 6 connected device, 7 set-top box, 8 OOH device."
                    }
                  ]
                }
              ]
            },
            {
              "name": "userKey",
              "type": "string",
              "doc": "Pseudonymous user key derived by ingest (keyed HMAC of the user and device ids); the Kafka message key from ingest onward. Raw user ids never travel.",
              "pii": "indirect"
            },
            {
              "name": "regs",
              "doc": "Privacy regulations that apply to the request.",
              "type": {
                "type": "record",
                "name": "Regs",
                "doc": "Privacy signals (OpenRTB 2.6 regs, with the GDPR consent string from user.consent).",
                "fields": [
                  {
                    "name": "gdpr",
                    "type": [
                      "null",
                      "boolean"
                    ],
                    "default": null,
                    "doc": "Whether GDPR applies (regs.gdpr = 1); null when the exchange does not say."
                  },
                  {
                    "name": "consent",
                    "type": [
                      "null",
                      "string"
                    ],
                    "default": null,
                    "doc": "IAB TCF consent string (OpenRTB user.consent); holds one person's choices.",
                    "pii": "indirect"
                  },
                  {
                    "name": "coppa",
                    "type": "boolean",
                    "default": false,
                    "doc": "Whether COPPA applies (regs.coppa = 1): ingest has then also dropped city, zip and metro."
                  },
                  {
                    "name": "us_privacy",
                    "type": [
                      "null",
                      "string"
                    ],
                    "default": null,
                    "doc": "IAB CCPA US Privacy string."
                  },
                  {
                    "name": "gpp",
                    "type": [
                      "null",
                      "string"
                    ],
                    "default": null,
                    "doc": "IAB Global Privacy Platform consent string.",
                    "pii": "indirect"
                  },
                  {
                    "name": "gpp_sid",
                    "type": {
                      "type": "array",
                      "items": "int"
                    },
                    "default": [],
                    "doc": "GPP section ids that apply."
                  }
                ]
              }
            },
            {
              "name": "test",
              "type": "boolean",
              "default": false,
              "doc": "A test request (OpenRTB test = 1): it flows and is traced, but never counts as spend or in ROAS."
            },
            {
              "name": "at",
              "type": "int",
              "default": 2,
              "doc": "Auction type: 1 first price, 2 second price plus (OpenRTB default), above 500 exchange-specific."
            },
            {
              "name": "tmax",
              "type": [
                "null",
                "int"
              ],
              "default": null,
              "doc": "Time the exchange allows for the bid, in ms, network included."
            },
            {
              "name": "cur",
              "type": {
                "type": "array",
                "items": "string"
              },
              "default": [],
              "doc": "Currencies allowed for bids (ISO-4217); empty means the exchange default."
            },
            {
              "name": "bcat",
              "type": {
                "type": "array",
                "items": "string"
              },
              "default": [],
              "doc": "Blocked advertiser categories (IAB content taxonomy)."
            },
            {
              "name": "badv",
              "type": {
                "type": "array",
                "items": "string"
              },
              "default": [],
              "doc": "Blocked advertiser domains."
            }
          ]
        },
        "doc": "The normalized request as ingest produced it; request.eventId is this event's id."
      },
      {
        "name": "profile",
        "doc": "What profiling knows about the user of the request.",
        "type": {
          "type": "record",
          "name": "UserProfile",
          "doc": "A user profile built by ads.build_user_profile from segments, interests and history.",
          "fields": [
            {
              "name": "segments",
              "type": {
                "type": "array",
                "items": "string"
              },
              "default": [],
              "doc": "Audience segment ids the user belongs to (from the compacted segments topic).",
              "pii": "indirect"
            },
            {
              "name": "interests",
              "type": {
                "type": "array",
                "items": "string"
              },
              "default": [],
              "doc": "Inferred interest categories (IAB audience taxonomy ids).",
              "pii": "indirect"
            },
            {
              "name": "ageBracket",
              "type": {
                "type": "enum",
                "name": "AgeBracket",
                "namespace": "dev.adtrace",
                "doc": "Inferred age bracket of a user. Never a birth year: the bracket is as fine as targeting needs and no finer. UNKNOWN is the default for readers that meet a newer symbol.",
                "symbols": [
                  "UNKNOWN",
                  "AGE_13_17",
                  "AGE_18_24",
                  "AGE_25_34",
                  "AGE_35_44",
                  "AGE_45_54",
                  "AGE_55_64",
                  "AGE_65_PLUS"
                ],
                "default": "UNKNOWN"
              },
              "default": "UNKNOWN",
              "doc": "Inferred age bracket.",
              "pii": "indirect"
            },
            {
              "name": "geoRegion",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "Coarse region used for targeting (country-region, e.g. USA-CA), derived from device.geo."
            },
            {
              "name": "embedding",
              "type": {
                "type": "array",
                "items": "float"
              },
              "default": [],
              "doc": "Interest embedding of the user, compared with ad embeddings by nearest-neighbour search; empty for an unknown user.",
              "pii": "indirect"
            },
            {
              "name": "cacheHit",
              "type": "boolean",
              "default": false,
              "doc": "Whether the profile came from the partition-local profile cache rather than being built."
            }
          ]
        }
      },
      {
        "name": "profiledAtMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "When profiling finished, epoch ms."
      }
    ]
  },
  RawBidRequest: {
    "type": "record",
    "name": "RawBidRequest",
    "namespace": "dev.adtrace",
    "doc": "An OpenRTB 2.6 bid request as an upstream producer writes it to adtrace.bid-requests.raw in Avro: what an exchange can send (no user key, no event id; ingest derives both). Field names, nesting and OpenRTB's 0/1 integers follow the JSON, so that ingest validates Avro and JSON requests with one set of rules. Holds raw personal data until ingest reduces it.",
    "fields": [
      {
        "name": "id",
        "type": "string",
        "doc": "OpenRTB request id chosen by the exchange; also the Kafka message key, so retries of one request meet in one partition."
      },
      {
        "name": "imp",
        "doc": "Impressions offered, at least one, ids unique within the request.",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "RawImp",
            "doc": "One impression opportunity (OpenRTB imp); at least one of banner, video, audio, native.",
            "fields": [
              {
                "name": "id",
                "type": "string",
                "doc": "Impression id, unique within the request."
              },
              {
                "name": "banner",
                "default": null,
                "doc": "Banner placement, when the impression accepts banners.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "RawBanner",
                    "doc": "A banner placement (OpenRTB imp.banner): a size in w/h or a list of formats.",
                    "fields": [
                      {
                        "name": "format",
                        "default": [],
                        "doc": "Accepted sizes, preferred first.",
                        "type": {
                          "type": "array",
                          "items": {
                            "type": "record",
                            "name": "RawFormat",
                            "doc": "One accepted banner size (OpenRTB banner.format).",
                            "fields": [
                              {
                                "name": "w",
                                "type": [
                                  "null",
                                  "int"
                                ],
                                "default": null,
                                "doc": "Width in device-independent pixels."
                              },
                              {
                                "name": "h",
                                "type": [
                                  "null",
                                  "int"
                                ],
                                "default": null,
                                "doc": "Height in device-independent pixels."
                              }
                            ]
                          }
                        }
                      },
                      {
                        "name": "w",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Exact width when format is absent."
                      },
                      {
                        "name": "h",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Exact height when format is absent."
                      },
                      {
                        "name": "pos",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Ad position on screen (OpenRTB list 'Placement Positions')."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "video",
                "default": null,
                "doc": "Video placement, when the impression accepts video.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "RawVideo",
                    "doc": "A video placement (OpenRTB imp.video); offers video only with mimes.",
                    "fields": [
                      {
                        "name": "mimes",
                        "type": {
                          "type": "array",
                          "items": "string"
                        },
                        "default": [],
                        "doc": "Accepted content MIME types."
                      },
                      {
                        "name": "minduration",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Minimum ad duration in seconds."
                      },
                      {
                        "name": "maxduration",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Maximum ad duration in seconds."
                      },
                      {
                        "name": "w",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Player width in device-independent pixels."
                      },
                      {
                        "name": "h",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Player height in device-independent pixels."
                      },
                      {
                        "name": "protocols",
                        "type": {
                          "type": "array",
                          "items": "int"
                        },
                        "default": [],
                        "doc": "Supported video protocols."
                      },
                      {
                        "name": "plcmt",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Video placement subtype (OpenRTB 2.6 plcmt)."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "audio",
                "default": null,
                "doc": "Audio placement, when the impression accepts audio.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "RawAudio",
                    "doc": "An audio placement (OpenRTB imp.audio).",
                    "fields": [
                      {
                        "name": "mimes",
                        "type": {
                          "type": "array",
                          "items": "string"
                        },
                        "default": [],
                        "doc": "Accepted content MIME types."
                      },
                      {
                        "name": "minduration",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Minimum ad duration in seconds."
                      },
                      {
                        "name": "maxduration",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "Maximum ad duration in seconds."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "native",
                "default": null,
                "doc": "Native placement, when the impression accepts native ads.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "RawNative",
                    "doc": "A native placement (OpenRTB imp.native).",
                    "fields": [
                      {
                        "name": "request",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "The Native Ads request, a JSON string as OpenRTB 2.6 sends it."
                      },
                      {
                        "name": "ver",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Version of the Native Ads specification of request."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "bidfloor",
                "type": [
                  "null",
                  "double"
                ],
                "default": null,
                "doc": "Minimum bid as a CPM in bidfloorcur; 0 when absent."
              },
              {
                "name": "bidfloorcur",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "ISO-4217 currency of the floor; USD when absent."
              },
              {
                "name": "tagid",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Placement or ad tag id on the publisher side."
              }
            ]
          }
        }
      },
      {
        "name": "site",
        "default": null,
        "doc": "The website, when the ad is shown on a site; at most one of site, app, dooh.",
        "type": [
          "null",
          {
            "type": "record",
            "name": "RawSite",
            "doc": "A website (OpenRTB site).",
            "fields": [
              {
                "name": "id",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Exchange-specific site id."
              },
              {
                "name": "domain",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Site domain."
              },
              {
                "name": "page",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "URL of the page; can identify a person through path or query.",
                "pii": "indirect"
              },
              {
                "name": "ref",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Referrer URL; can identify a person through path or query.",
                "pii": "indirect"
              },
              {
                "name": "cat",
                "type": {
                  "type": "array",
                  "items": "string"
                },
                "default": [],
                "doc": "IAB content categories of the site."
              },
              {
                "name": "publisher",
                "default": null,
                "doc": "The publisher of the site.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "RawPublisher",
                    "doc": "A publisher (OpenRTB publisher).",
                    "fields": [
                      {
                        "name": "id",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Exchange-specific publisher id."
                      }
                    ]
                  }
                ]
              }
            ]
          }
        ]
      },
      {
        "name": "app",
        "default": null,
        "doc": "The application, when the ad is shown in an app.",
        "type": [
          "null",
          {
            "type": "record",
            "name": "RawApp",
            "doc": "A mobile or CTV application (OpenRTB app).",
            "fields": [
              {
                "name": "id",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Exchange-specific app id."
              },
              {
                "name": "bundle",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Store bundle or package name."
              },
              {
                "name": "domain",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "App domain."
              },
              {
                "name": "cat",
                "type": {
                  "type": "array",
                  "items": "string"
                },
                "default": [],
                "doc": "IAB content categories of the app."
              },
              {
                "name": "publisher",
                "type": [
                  "null",
                  "RawPublisher"
                ],
                "default": null,
                "doc": "The publisher of the app."
              }
            ]
          }
        ]
      },
      {
        "name": "dooh",
        "default": null,
        "doc": "The digital out-of-home screen, when the ad is shown on one.",
        "type": [
          "null",
          {
            "type": "record",
            "name": "RawDooh",
            "doc": "A digital out-of-home placement (OpenRTB 2.6 dooh).",
            "fields": [
              {
                "name": "id",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Exchange-specific DOOH placement id."
              },
              {
                "name": "venuetype",
                "type": {
                  "type": "array",
                  "items": "string"
                },
                "default": [],
                "doc": "Venue types."
              },
              {
                "name": "domain",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Domain of the DOOH owner."
              },
              {
                "name": "publisher",
                "type": [
                  "null",
                  "RawPublisher"
                ],
                "default": null,
                "doc": "The publisher of the screen."
              }
            ]
          }
        ]
      },
      {
        "name": "device",
        "default": null,
        "doc": "The device, with its raw identifiers.",
        "type": [
          "null",
          {
            "type": "record",
            "name": "RawDevice",
            "doc": "A device (OpenRTB device) before PII reduction.",
            "fields": [
              {
                "name": "ua",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "User agent.",
                "pii": "indirect"
              },
              {
                "name": "ip",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Full IPv4 address.",
                "pii": "direct"
              },
              {
                "name": "ipv6",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Full IPv6 address.",
                "pii": "direct"
              },
              {
                "name": "geo",
                "default": null,
                "doc": "Device location, exact.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "RawGeo",
                    "doc": "A location (OpenRTB geo) before reduction.",
                    "fields": [
                      {
                        "name": "lat",
                        "type": [
                          "null",
                          "double"
                        ],
                        "default": null,
                        "doc": "Exact latitude.",
                        "pii": "direct"
                      },
                      {
                        "name": "lon",
                        "type": [
                          "null",
                          "double"
                        ],
                        "default": null,
                        "doc": "Exact longitude.",
                        "pii": "direct"
                      },
                      {
                        "name": "country",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Country, ISO-3166-1 alpha-3."
                      },
                      {
                        "name": "region",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Region, ISO-3166-2 subdivision code."
                      },
                      {
                        "name": "city",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "City name.",
                        "pii": "indirect"
                      },
                      {
                        "name": "zip",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Postal code.",
                        "pii": "indirect"
                      },
                      {
                        "name": "metro",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Metro (DMA) code.",
                        "pii": "indirect"
                      }
                    ]
                  }
                ]
              },
              {
                "name": "os",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Operating system."
              },
              {
                "name": "devicetype",
                "type": [
                  "null",
                  "int"
                ],
                "default": null,
                "doc": "OpenRTB device type (list 'Device Types')."
              },
              {
                "name": "ifa",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Advertising id of the device.",
                "pii": "direct"
              }
            ]
          }
        ]
      },
      {
        "name": "user",
        "default": null,
        "doc": "The user, with raw identifiers.",
        "type": [
          "null",
          {
            "type": "record",
            "name": "RawUser",
            "doc": "The user (OpenRTB user) before PII reduction.",
            "fields": [
              {
                "name": "id",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Exchange-specific user id.",
                "pii": "direct"
              },
              {
                "name": "buyeruid",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Buyer-specific user id.",
                "pii": "direct"
              },
              {
                "name": "yob",
                "type": [
                  "null",
                  "int"
                ],
                "default": null,
                "doc": "Year of birth.",
                "pii": "indirect"
              },
              {
                "name": "gender",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Gender, M, F or O.",
                "pii": "indirect"
              },
              {
                "name": "consent",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "IAB TCF v2 consent string.",
                "pii": "indirect"
              }
            ]
          }
        ]
      },
      {
        "name": "regs",
        "default": null,
        "doc": "Privacy regulations that apply to the request.",
        "type": [
          "null",
          {
            "type": "record",
            "name": "RawRegs",
            "doc": "Privacy signals (OpenRTB 2.6 regs), 0/1 integers as in the JSON.",
            "fields": [
              {
                "name": "coppa",
                "type": [
                  "null",
                  "int"
                ],
                "default": null,
                "doc": "1 when COPPA applies."
              },
              {
                "name": "gdpr",
                "type": [
                  "null",
                  "int"
                ],
                "default": null,
                "doc": "1 when GDPR applies, 0 when not, null when unknown."
              },
              {
                "name": "us_privacy",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "IAB CCPA US Privacy string."
              },
              {
                "name": "gpp",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "IAB Global Privacy Platform string.",
                "pii": "indirect"
              },
              {
                "name": "gpp_sid",
                "type": {
                  "type": "array",
                  "items": "int"
                },
                "default": [],
                "doc": "GPP section ids that apply."
              }
            ]
          }
        ]
      },
      {
        "name": "at",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "doc": "Auction type: 1 first price, 2 second price (the default when null)."
      },
      {
        "name": "tmax",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "doc": "Time the exchange allows for the bid, in ms."
      },
      {
        "name": "test",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "doc": "1 for a test request that must never count as spend."
      },
      {
        "name": "cur",
        "type": {
          "type": "array",
          "items": "string"
        },
        "default": [],
        "doc": "Currencies allowed for bids (ISO-4217)."
      },
      {
        "name": "bcat",
        "type": {
          "type": "array",
          "items": "string"
        },
        "default": [],
        "doc": "Blocked advertiser categories."
      },
      {
        "name": "badv",
        "type": {
          "type": "array",
          "items": "string"
        },
        "default": [],
        "doc": "Blocked advertiser domains."
      }
    ]
  },
  RoasWindow: {
    "type": "record",
    "name": "RoasWindow",
    "namespace": "dev.adtrace",
    "doc": "Totals of one campaign over one event-time tumbling window. Restatable: a later revision of the same (campaignId, windowStartMs) replaces earlier ones.",
    "fields": [
      {
        "name": "campaignId",
        "type": "string",
        "doc": "Campaign (the Kafka message key)."
      },
      {
        "name": "windowStartMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "Window start, inclusive, epoch ms."
      },
      {
        "name": "windowEndMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "Window end, exclusive, epoch ms."
      },
      {
        "name": "impressions",
        "type": "long",
        "doc": "Impressions in the window."
      },
      {
        "name": "clicks",
        "type": "long",
        "doc": "Clicks in the window."
      },
      {
        "name": "conversions",
        "type": "long",
        "doc": "Attributed conversions in the window."
      },
      {
        "name": "spendMicros",
        "type": "long",
        "doc": "Spend in micros."
      },
      {
        "name": "revenueMicros",
        "type": "long",
        "doc": "Attributed conversion value in micros."
      },
      {
        "name": "roas",
        "type": [
          "null",
          "double"
        ],
        "default": null,
        "doc": "Revenue / spend; null while spend is 0."
      },
      {
        "name": "observedCtr",
        "type": [
          "null",
          "double"
        ],
        "default": null,
        "doc": "Clicks / impressions; null without impressions."
      },
      {
        "name": "predictedCtr",
        "type": [
          "null",
          "double"
        ],
        "default": null,
        "doc": "Mean pCTR over the window's impressions; null without impressions. Calibration = predictedCtr / observedCtr (1.0 is perfect)."
      },
      {
        "name": "completeThroughMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "Watermark when emitted: the numbers include every event with event time before this, epoch ms."
      },
      {
        "name": "final",
        "type": "boolean",
        "default": false,
        "doc": "True once the watermark passed window end plus allowed lateness: no more restatements, except from replays."
      },
      {
        "name": "revision",
        "type": "int",
        "default": 0,
        "doc": "0 for the first emission of the window, then +1 per restatement."
      },
      {
        "name": "emittedAtMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "When aggregation emitted this revision, epoch ms."
      },
      {
        "name": "generation",
        "type": "int",
        "default": 0,
        "doc": "Rebuild generation that computed this revision: a rebuild from the attributed events writes generation + 1, and a consumer switches to it once it has caught up; revisions compare within one generation."
      },
      {
        "name": "currency",
        "type": "string",
        "default": "USD",
        "doc": "ISO-4217 currency of spendMicros and revenueMicros: always USD, the pipeline's one currency."
      },
      {
        "name": "lateDropped",
        "type": "long",
        "default": 0,
        "doc": "Events of this window that arrived after its grace ended: not in the totals (sent to adtrace.late-events); the window stays final."
      },
      {
        "name": "clickThroughConversions",
        "type": "long",
        "default": 0,
        "doc": "Conversions in the window attributed to a click (conversions = clickThrough + viewThrough)."
      },
      {
        "name": "viewThroughConversions",
        "type": "long",
        "default": 0,
        "doc": "Conversions in the window attributed to an impression without a click."
      },
      {
        "name": "clickThroughRevenueMicros",
        "type": "long",
        "default": 0,
        "doc": "Value of the click-through conversions in micros (USD)."
      },
      {
        "name": "viewThroughRevenueMicros",
        "type": "long",
        "default": 0,
        "doc": "Value of the view-through conversions in micros (USD)."
      }
    ]
  },
  UserEvent: {
    "type": "record",
    "name": "UserEvent",
    "namespace": "dev.adtrace",
    "doc": "A click or conversion reported by a tracker, before verification and attribution.",
    "fields": [
      {
        "name": "eventId",
        "type": "string",
        "doc": "Id of this click or conversion, set by the tracker; conversions are de-duplicated on it (first wins)."
      },
      {
        "name": "kind",
        "doc": "Click or conversion.",
        "type": {
          "type": "enum",
          "name": "UserEventKind",
          "doc": "Kinds of user event a tracker reports.",
          "symbols": [
            "CLICK",
            "CONVERSION"
          ]
        }
      },
      {
        "name": "trackingToken",
        "type": "string",
        "doc": "The token of the impression (click) or of the click/impression to attribute to (conversion), as the tracker received it; unverified.",
        "pii": "indirect"
      },
      {
        "name": "valueMicros",
        "type": [
          "null",
          "long"
        ],
        "default": null,
        "doc": "Conversion value in micros; null for clicks."
      },
      {
        "name": "currency",
        "type": "string",
        "default": "USD",
        "doc": "ISO-4217 currency of valueMicros."
      },
      {
        "name": "eventTimeMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "When the click or conversion happened, epoch ms (event time)."
      },
      {
        "name": "receivedAtMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "When the tracker received it, epoch ms."
      }
    ]
  },
  UserSegments: {
    "type": "record",
    "name": "UserSegments",
    "namespace": "dev.adtrace",
    "doc": "The audience segments of one user, as the segment builder last computed them (compacted topic, latest per user key; a null value removes the user).",
    "fields": [
      {
        "name": "userKey",
        "type": "string",
        "doc": "Pseudonymous user key (the Kafka message key).",
        "pii": "indirect"
      },
      {
        "name": "segments",
        "type": {
          "type": "array",
          "items": "string"
        },
        "default": [],
        "doc": "Segment ids the user belongs to.",
        "pii": "indirect"
      },
      {
        "name": "interests",
        "type": {
          "type": "array",
          "items": "string"
        },
        "default": [],
        "doc": "Interest categories the builder inferred.",
        "pii": "indirect"
      },
      {
        "name": "ageBracket",
        "type": {
          "type": "enum",
          "name": "AgeBracket",
          "namespace": "dev.adtrace",
          "doc": "Inferred age bracket of a user. Never a birth year: the bracket is as fine as targeting needs and no finer. UNKNOWN is the default for readers that meet a newer symbol.",
          "symbols": [
            "UNKNOWN",
            "AGE_13_17",
            "AGE_18_24",
            "AGE_25_34",
            "AGE_35_44",
            "AGE_45_54",
            "AGE_55_64",
            "AGE_65_PLUS"
          ],
          "default": "UNKNOWN"
        },
        "default": "UNKNOWN",
        "doc": "Inferred age bracket.",
        "pii": "indirect"
      },
      {
        "name": "embedding",
        "type": {
          "type": "array",
          "items": "float"
        },
        "default": [],
        "doc": "Interest embedding of the user.",
        "pii": "indirect"
      },
      {
        "name": "builderVersion",
        "type": "long",
        "doc": "Version of the segment build that produced this record; profiling ignores older versions."
      },
      {
        "name": "updatedAtMs",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "When the build published this record, epoch ms."
      }
    ]
  },
};

/** Every released version of each record (index 0 is v1); the last one reads like the current schema. */
export const schemaHistory: Readonly<Record<RecordName, readonly SchemaJson[]>> = {
  Alert: [
    currentSchemas.Alert,
  ],
  AttributedEvent: [
    {
      "type": "record",
      "name": "AttributedEvent",
      "namespace": "dev.adtrace",
      "doc": "An impression, a click, or a conversion attributed (last touch) to an impression or click, with its cost and value; keyed by campaign id for aggregation.",
      "fields": [
        {
          "name": "eventId",
          "type": "string",
          "doc": "Id of this attributed event: the impression's event id for impressions, the click or conversion id otherwise; aggregation de-duplicates on it."
        },
        {
          "name": "kind",
          "doc": "What happened.",
          "type": {
            "type": "enum",
            "name": "AttributedEventKind",
            "doc": "Kinds of attributed event.",
            "symbols": [
              "IMPRESSION",
              "CLICK",
              "CONVERSION"
            ]
          }
        },
        {
          "name": "originalEventId",
          "type": "string",
          "doc": "Event id of the bid request the ad event started from (the trace's event)."
        },
        {
          "name": "campaignId",
          "type": "string",
          "doc": "Campaign credited (the Kafka message key)."
        },
        {
          "name": "adId",
          "type": "string",
          "doc": "Ad credited."
        },
        {
          "name": "userKey",
          "type": "string",
          "doc": "Pseudonymous user key.",
          "pii": "indirect"
        },
        {
          "name": "touch",
          "default": "NONE",
          "doc": "For conversions, which touch it was attributed to; NONE for impressions and clicks.",
          "type": {
            "type": "enum",
            "name": "AttributionTouch",
            "doc": "Last-touch attribution windows.",
            "symbols": [
              "NONE",
              "CLICK",
              "VIEW"
            ],
            "default": "NONE"
          }
        },
        {
          "name": "costMicros",
          "type": "long",
          "default": 0,
          "doc": "Spend this event causes in micros: the impression price (CPM) or click price (CPC); 0 for conversions."
        },
        {
          "name": "valueMicros",
          "type": "long",
          "default": 0,
          "doc": "Conversion value in micros; 0 for impressions and clicks."
        },
        {
          "name": "pctr",
          "type": "double",
          "default": 0,
          "doc": "Predicted CTR of the impression (impressions only, else 0), summed for predicted vs observed CTR."
        },
        {
          "name": "eventTimeMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "Event time of the impression, click or conversion, epoch ms; drives the ROAS window."
        },
        {
          "name": "attributedAtMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "When tracking attributed it, epoch ms."
        }
      ]
    },
    currentSchemas.AttributedEvent,
  ],
  AuctionOutcome: [
    {
      "type": "record",
      "name": "AuctionOutcome",
      "namespace": "dev.adtrace",
      "doc": "The result of the auction for one impression: a win (exactly 'win' set) or a no-fill (exactly 'noFill' set), told apart by 'outcome'. An enum plus optional branches rather than a union of records, so that every reader sees one flat, evolvable record.",
      "fields": [
        {
          "name": "eventId",
          "type": "string",
          "doc": "Event id of the bid request this outcome belongs to."
        },
        {
          "name": "requestId",
          "type": "string",
          "doc": "OpenRTB request id."
        },
        {
          "name": "impId",
          "type": "string",
          "doc": "Id of the impression auctioned."
        },
        {
          "name": "userKey",
          "type": "string",
          "doc": "Pseudonymous user key (the Kafka message key).",
          "pii": "indirect"
        },
        {
          "name": "outcome",
          "doc": "WIN: 'win' is set, 'noFill' is null. NO_FILL: the reverse.",
          "type": {
            "type": "enum",
            "name": "AuctionOutcomeKind",
            "doc": "Whether the auction produced a winner.",
            "symbols": [
              "WIN",
              "NO_FILL"
            ]
          }
        },
        {
          "name": "win",
          "default": null,
          "doc": "The winner, when outcome is WIN.",
          "type": [
            "null",
            {
              "type": "record",
              "name": "AuctionWin",
              "doc": "The winning ad and its price under generalized second price.",
              "fields": [
                {
                  "name": "campaignId",
                  "type": "string",
                  "doc": "Campaign of the winning ad."
                },
                {
                  "name": "adId",
                  "type": "string",
                  "doc": "Winning ad."
                },
                {
                  "name": "creativeId",
                  "type": "string",
                  "doc": "Creative of the winning ad."
                },
                {
                  "name": "bidType",
                  "type": {
                    "type": "enum",
                    "name": "BidType",
                    "namespace": "dev.adtrace",
                    "doc": "How an ad is paid for. CPM: the bid is per 1,000 impressions. CPC: the bid is per click, and the auction ranks it as bid x pCTR x 1000 against CPM floors.",
                    "symbols": [
                      "CPM",
                      "CPC"
                    ],
                    "default": "CPM"
                  },
                  "doc": "Whether the bid is per 1,000 impressions or per click."
                },
                {
                  "name": "bidMicros",
                  "type": "long",
                  "doc": "The ad's bid in micros: a CPM for CPM bids, a price per click for CPC bids."
                },
                {
                  "name": "pctr",
                  "type": "double",
                  "doc": "Predicted click-through rate of the ad for this request, in [0, 1]."
                },
                {
                  "name": "ecpmMicros",
                  "type": "long",
                  "doc": "Rank score: effective CPM in micros (CPM bid, or CPC bid x pCTR x 1000)."
                },
                {
                  "name": "clearingPriceCpmMicros",
                  "type": "long",
                  "doc": "What the winner pays per 1,000 impressions in micros under generalized second price: what it needs to beat the runner-up, never below the floor."
                },
                {
                  "name": "floorCpmMicros",
                  "type": "long",
                  "default": 0,
                  "doc": "The floor the auction applied, as a CPM in micros."
                },
                {
                  "name": "runnerUp",
                  "default": null,
                  "doc": "The second-ranked ad, when there was one.",
                  "type": [
                    "null",
                    {
                      "type": "record",
                      "name": "RunnerUp",
                      "doc": "The ad ranked second, which sets the winner's price.",
                      "fields": [
                        {
                          "name": "campaignId",
                          "type": "string",
                          "doc": "Campaign of the runner-up."
                        },
                        {
                          "name": "adId",
                          "type": "string",
                          "doc": "Runner-up ad."
                        },
                        {
                          "name": "pctr",
                          "type": "double",
                          "doc": "Predicted click-through rate of the runner-up."
                        },
                        {
                          "name": "ecpmMicros",
                          "type": "long",
                          "doc": "Effective CPM of the runner-up in micros."
                        }
                      ]
                    }
                  ]
                },
                {
                  "name": "candidates",
                  "type": "int",
                  "default": 0,
                  "doc": "How many ads passed targeting and policy and entered the auction."
                }
              ]
            }
          ]
        },
        {
          "name": "noFill",
          "default": null,
          "doc": "Why no ad won, when outcome is NO_FILL.",
          "type": [
            "null",
            {
              "type": "record",
              "name": "NoFill",
              "doc": "A no-fill and its reason.",
              "fields": [
                {
                  "name": "reason",
                  "doc": "Why no ad was served.",
                  "type": {
                    "type": "enum",
                    "name": "NoFillReason",
                    "doc": "No-fill reasons; readers map an unknown newer reason to OTHER.",
                    "symbols": [
                      "NO_CANDIDATES",
                      "NO_TARGETING_MATCH",
                      "BELOW_FLOOR",
                      "FREQUENCY_CAPPED",
                      "BUDGET_EXHAUSTED",
                      "POLICY_BLOCKED",
                      "BLOCKED_BY_REQUEST",
                      "TIMEOUT",
                      "OTHER"
                    ],
                    "default": "OTHER"
                  }
                },
                {
                  "name": "code",
                  "type": [
                    "null",
                    "int"
                  ],
                  "default": null,
                  "doc": "Prebid Server rejection code where one fits (101 timeout, 301 below floor, 304 below deal floor)."
                },
                {
                  "name": "detail",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Free text for people reading dead letters and traces; never parsed."
                }
              ]
            }
          ]
        },
        {
          "name": "decidedAtMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "When the auction decided, epoch ms."
        }
      ]
    },
    {
      "type": "record",
      "name": "AuctionOutcome",
      "namespace": "dev.adtrace",
      "doc": "The result of the auction for one impression: a win (exactly 'win' set) or a no-fill (exactly 'noFill' set), told apart by 'outcome'. An enum plus optional branches rather than a union of records, so that every reader sees one flat, evolvable record.",
      "fields": [
        {
          "name": "eventId",
          "type": "string",
          "doc": "Event id of the bid request this outcome belongs to."
        },
        {
          "name": "requestId",
          "type": "string",
          "doc": "OpenRTB request id."
        },
        {
          "name": "impId",
          "type": "string",
          "doc": "Id of the impression auctioned."
        },
        {
          "name": "userKey",
          "type": "string",
          "doc": "Pseudonymous user key (the Kafka message key).",
          "pii": "indirect"
        },
        {
          "name": "outcome",
          "doc": "WIN: 'win' is set, 'noFill' is null. NO_FILL: the reverse.",
          "type": {
            "type": "enum",
            "name": "AuctionOutcomeKind",
            "doc": "Whether the auction produced a winner.",
            "symbols": [
              "WIN",
              "NO_FILL"
            ]
          }
        },
        {
          "name": "win",
          "default": null,
          "doc": "The winner, when outcome is WIN.",
          "type": [
            "null",
            {
              "type": "record",
              "name": "AuctionWin",
              "doc": "The winning ad and its price under generalized second price.",
              "fields": [
                {
                  "name": "campaignId",
                  "type": "string",
                  "doc": "Campaign of the winning ad."
                },
                {
                  "name": "adId",
                  "type": "string",
                  "doc": "Winning ad."
                },
                {
                  "name": "creativeId",
                  "type": "string",
                  "doc": "Creative of the winning ad."
                },
                {
                  "name": "bidType",
                  "type": {
                    "type": "enum",
                    "name": "BidType",
                    "namespace": "dev.adtrace",
                    "doc": "How an ad is paid for. CPM: the bid is per 1,000 impressions. CPC: the bid is per click, and the auction ranks it as bid x pCTR x 1000 against CPM floors.",
                    "symbols": [
                      "CPM",
                      "CPC"
                    ],
                    "default": "CPM"
                  },
                  "doc": "Whether the bid is per 1,000 impressions or per click."
                },
                {
                  "name": "bidMicros",
                  "type": "long",
                  "doc": "The ad's bid in micros: a CPM for CPM bids, a price per click for CPC bids."
                },
                {
                  "name": "pctr",
                  "type": "double",
                  "doc": "Predicted click-through rate of the ad for this request, in [0, 1]."
                },
                {
                  "name": "ecpmMicros",
                  "type": "long",
                  "doc": "Rank score: effective CPM in micros (CPM bid, or CPC bid x pCTR x 1000)."
                },
                {
                  "name": "clearingPriceCpmMicros",
                  "type": "long",
                  "doc": "What the winner pays per 1,000 impressions in micros under generalized second price: what it needs to beat the runner-up, never below the floor."
                },
                {
                  "name": "floorCpmMicros",
                  "type": "long",
                  "default": 0,
                  "doc": "The floor the auction applied, as a CPM in micros."
                },
                {
                  "name": "runnerUp",
                  "default": null,
                  "doc": "The second-ranked ad, when there was one.",
                  "type": [
                    "null",
                    {
                      "type": "record",
                      "name": "RunnerUp",
                      "doc": "The ad ranked second, which sets the winner's price.",
                      "fields": [
                        {
                          "name": "campaignId",
                          "type": "string",
                          "doc": "Campaign of the runner-up."
                        },
                        {
                          "name": "adId",
                          "type": "string",
                          "doc": "Runner-up ad."
                        },
                        {
                          "name": "pctr",
                          "type": "double",
                          "doc": "Predicted click-through rate of the runner-up."
                        },
                        {
                          "name": "ecpmMicros",
                          "type": "long",
                          "doc": "Effective CPM of the runner-up in micros."
                        }
                      ]
                    }
                  ]
                },
                {
                  "name": "candidates",
                  "type": "int",
                  "default": 0,
                  "doc": "How many ads passed targeting and policy and entered the auction."
                }
              ]
            }
          ]
        },
        {
          "name": "noFill",
          "default": null,
          "doc": "Why no ad won, when outcome is NO_FILL.",
          "type": [
            "null",
            {
              "type": "record",
              "name": "NoFill",
              "doc": "A no-fill and its reason.",
              "fields": [
                {
                  "name": "reason",
                  "doc": "Why no ad was served.",
                  "type": {
                    "type": "enum",
                    "name": "NoFillReason",
                    "doc": "No-fill reasons; readers map an unknown newer reason to OTHER.",
                    "symbols": [
                      "NO_CANDIDATES",
                      "NO_TARGETING_MATCH",
                      "BELOW_FLOOR",
                      "FREQUENCY_CAPPED",
                      "BUDGET_EXHAUSTED",
                      "POLICY_BLOCKED",
                      "BLOCKED_BY_REQUEST",
                      "TIMEOUT",
                      "OTHER"
                    ],
                    "default": "OTHER"
                  }
                },
                {
                  "name": "code",
                  "type": [
                    "null",
                    "int"
                  ],
                  "default": null,
                  "doc": "Prebid Server rejection code where one fits (101 timeout, 301 below floor, 304 below deal floor)."
                },
                {
                  "name": "detail",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Free text for people reading dead letters and traces; never parsed."
                }
              ]
            }
          ]
        },
        {
          "name": "modelVersion",
          "type": [
            "null",
            "string"
          ],
          "default": null,
          "doc": "Version of the pCTR model file that scored the auction; null when no model ran (or the record predates the field)."
        },
        {
          "name": "decidedAtMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "When the auction decided, epoch ms."
        }
      ]
    },
    {
      "type": "record",
      "name": "AuctionOutcome",
      "namespace": "dev.adtrace",
      "doc": "The result of the auction for one impression: a win (exactly 'win' set) or a no-fill (exactly 'noFill' set), told apart by 'outcome'. An enum plus optional branches rather than a union of records, so that every reader sees one flat, evolvable record.",
      "fields": [
        {
          "name": "eventId",
          "type": "string",
          "doc": "Event id of the bid request this outcome belongs to."
        },
        {
          "name": "requestId",
          "type": "string",
          "doc": "OpenRTB request id."
        },
        {
          "name": "impId",
          "type": "string",
          "doc": "Id of the impression auctioned."
        },
        {
          "name": "userKey",
          "type": "string",
          "doc": "Pseudonymous user key (the Kafka message key).",
          "pii": "indirect"
        },
        {
          "name": "outcome",
          "doc": "WIN: 'win' is set, 'noFill' is null. NO_FILL: the reverse.",
          "type": {
            "type": "enum",
            "name": "AuctionOutcomeKind",
            "doc": "Whether the auction produced a winner.",
            "symbols": [
              "WIN",
              "NO_FILL"
            ]
          }
        },
        {
          "name": "win",
          "default": null,
          "doc": "The winner, when outcome is WIN.",
          "type": [
            "null",
            {
              "type": "record",
              "name": "AuctionWin",
              "doc": "The winning ad and its price under generalized second price.",
              "fields": [
                {
                  "name": "campaignId",
                  "type": "string",
                  "doc": "Campaign of the winning ad."
                },
                {
                  "name": "adId",
                  "type": "string",
                  "doc": "Winning ad."
                },
                {
                  "name": "creativeId",
                  "type": "string",
                  "doc": "Creative of the winning ad."
                },
                {
                  "name": "bidType",
                  "type": {
                    "type": "enum",
                    "name": "BidType",
                    "namespace": "dev.adtrace",
                    "doc": "How an ad is paid for. CPM: the bid is per 1,000 impressions. CPC: the bid is per click, and the auction ranks it as bid x pCTR x 1000 against CPM floors.",
                    "symbols": [
                      "CPM",
                      "CPC"
                    ],
                    "default": "CPM"
                  },
                  "doc": "Whether the bid is per 1,000 impressions or per click."
                },
                {
                  "name": "bidMicros",
                  "type": "long",
                  "doc": "The ad's bid in micros: a CPM for CPM bids, a price per click for CPC bids."
                },
                {
                  "name": "pctr",
                  "type": "double",
                  "doc": "Predicted click-through rate of the ad for this request, in [0, 1]."
                },
                {
                  "name": "ecpmMicros",
                  "type": "long",
                  "doc": "Rank score: effective CPM in micros (CPM bid, or CPC bid x pCTR x 1000)."
                },
                {
                  "name": "clearingPriceCpmMicros",
                  "type": "long",
                  "doc": "What the winner pays per 1,000 impressions in micros under generalized second price: what it needs to beat the runner-up, never below the floor."
                },
                {
                  "name": "floorCpmMicros",
                  "type": "long",
                  "default": 0,
                  "doc": "The floor the auction applied, as a CPM in micros."
                },
                {
                  "name": "runnerUp",
                  "default": null,
                  "doc": "The second-ranked ad, when there was one.",
                  "type": [
                    "null",
                    {
                      "type": "record",
                      "name": "RunnerUp",
                      "doc": "The ad ranked second, which sets the winner's price.",
                      "fields": [
                        {
                          "name": "campaignId",
                          "type": "string",
                          "doc": "Campaign of the runner-up."
                        },
                        {
                          "name": "adId",
                          "type": "string",
                          "doc": "Runner-up ad."
                        },
                        {
                          "name": "pctr",
                          "type": "double",
                          "doc": "Predicted click-through rate of the runner-up."
                        },
                        {
                          "name": "ecpmMicros",
                          "type": "long",
                          "doc": "Effective CPM of the runner-up in micros."
                        }
                      ]
                    }
                  ]
                },
                {
                  "name": "candidates",
                  "type": "int",
                  "default": 0,
                  "doc": "How many ads passed targeting and policy and entered the auction."
                }
              ]
            }
          ]
        },
        {
          "name": "noFill",
          "default": null,
          "doc": "Why no ad won, when outcome is NO_FILL.",
          "type": [
            "null",
            {
              "type": "record",
              "name": "NoFill",
              "doc": "A no-fill and its reason.",
              "fields": [
                {
                  "name": "reason",
                  "doc": "Why no ad was served.",
                  "type": {
                    "type": "enum",
                    "name": "NoFillReason",
                    "doc": "No-fill reasons; readers map an unknown newer reason to OTHER.",
                    "symbols": [
                      "NO_CANDIDATES",
                      "NO_TARGETING_MATCH",
                      "BELOW_FLOOR",
                      "FREQUENCY_CAPPED",
                      "BUDGET_EXHAUSTED",
                      "POLICY_BLOCKED",
                      "BLOCKED_BY_REQUEST",
                      "TIMEOUT",
                      "OTHER"
                    ],
                    "default": "OTHER"
                  }
                },
                {
                  "name": "code",
                  "type": [
                    "null",
                    "int"
                  ],
                  "default": null,
                  "doc": "Prebid Server rejection code where one fits (101 timeout, 301 below floor, 304 below deal floor)."
                },
                {
                  "name": "detail",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Free text for people reading dead letters and traces; never parsed."
                }
              ]
            }
          ]
        },
        {
          "name": "modelVersion",
          "type": [
            "null",
            "string"
          ],
          "default": null,
          "doc": "Version of the pCTR model file that scored the auction; null when no model ran (or the record predates the field)."
        },
        {
          "name": "decidedAtMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "When the auction decided, epoch ms."
        },
        {
          "name": "placement",
          "type": "string",
          "default": "",
          "doc": "Where the ad is shown: the site's domain, the app's bundle or the screen's domain (ingest's ads.placement); delivery counts ads.served.total by it. Empty in records written before it was added."
        }
      ]
    },
    currentSchemas.AuctionOutcome,
  ],
  BidRequest: [
    {
      "type": "record",
      "name": "BidRequest",
      "namespace": "dev.adtrace",
      "doc": "A normalized OpenRTB 2.6 bid request (the subset the pipeline uses), after ingest: keyed by the pseudonymous user key, PII reduced the way Prebid Server does it, raw user and device ids dropped.",
      "fields": [
        {
          "name": "eventId",
          "type": "string",
          "doc": "Pipeline event id assigned by ingest (unique per accepted request); every span and downstream record of this ad event carries it."
        },
        {
          "name": "receivedAtMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "When ingest received the request, epoch ms."
        },
        {
          "name": "id",
          "type": "string",
          "doc": "OpenRTB request id chosen by the exchange; ingest de-duplicates on it."
        },
        {
          "name": "imp",
          "doc": "Impressions offered, at least one, ids unique within the request.",
          "type": {
            "type": "array",
            "items": {
              "type": "record",
              "name": "Imp",
              "doc": "One impression opportunity (OpenRTB imp).",
              "fields": [
                {
                  "name": "id",
                  "type": "string",
                  "doc": "Impression id, unique within the request."
                },
                {
                  "name": "banner",
                  "default": null,
                  "doc": "Banner placement, when the impression accepts banners.",
                  "type": [
                    "null",
                    {
                      "type": "record",
                      "name": "Banner",
                      "doc": "A banner placement (OpenRTB imp.banner).",
                      "fields": [
                        {
                          "name": "format",
                          "default": [],
                          "doc": "Accepted sizes, preferred first; from banner.format, or banner.w/h when format is absent.",
                          "type": {
                            "type": "array",
                            "items": {
                              "type": "record",
                              "name": "Format",
                              "doc": "One accepted banner size in device-independent pixels.",
                              "fields": [
                                {
                                  "name": "w",
                                  "type": "int",
                                  "doc": "Width in device-independent pixels."
                                },
                                {
                                  "name": "h",
                                  "type": "int",
                                  "doc": "Height in device-independent pixels."
                                }
                              ]
                            }
                          }
                        },
                        {
                          "name": "pos",
                          "type": [
                            "null",
                            "int"
                          ],
                          "default": null,
                          "doc": "Ad position on screen (OpenRTB list 'Placement Positions'), when given."
                        }
                      ]
                    }
                  ]
                },
                {
                  "name": "video",
                  "default": null,
                  "doc": "Video placement, when the impression accepts video.",
                  "type": [
                    "null",
                    {
                      "type": "record",
                      "name": "Video",
                      "doc": "A video placement (OpenRTB imp.video).",
                      "fields": [
                        {
                          "name": "mimes",
                          "type": {
                            "type": "array",
                            "items": "string"
                          },
                          "default": [],
                          "doc": "Accepted content MIME types."
                        },
                        {
                          "name": "minduration",
                          "type": [
                            "null",
                            "int"
                          ],
                          "default": null,
                          "doc": "Minimum ad duration in seconds."
                        },
                        {
                          "name": "maxduration",
                          "type": [
                            "null",
                            "int"
                          ],
                          "default": null,
                          "doc": "Maximum ad duration in seconds."
                        },
                        {
                          "name": "w",
                          "type": [
                            "null",
                            "int"
                          ],
                          "default": null,
                          "doc": "Player width in device-independent pixels."
                        },
                        {
                          "name": "h",
                          "type": [
                            "null",
                            "int"
                          ],
                          "default": null,
                          "doc": "Player height in device-independent pixels."
                        },
                        {
                          "name": "protocols",
                          "type": {
                            "type": "array",
                            "items": "int"
                          },
                          "default": [],
                          "doc": "Supported video protocols (OpenRTB list 'Creative Subtypes - Audio/Video')."
                        },
                        {
                          "name": "plcmt",
                          "type": [
                            "null",
                            "int"
                          ],
                          "default": null,
                          "doc": "Video placement subtype (OpenRTB 2.6 plcmt)."
                        }
                      ]
                    }
                  ]
                },
                {
                  "name": "bidfloorMicros",
                  "type": "long",
                  "default": 0,
                  "doc": "Minimum bid as a CPM in micros of bidfloorcur (OpenRTB bidfloor x 1e6); 0 when absent."
                },
                {
                  "name": "bidfloorcur",
                  "type": "string",
                  "default": "USD",
                  "doc": "ISO-4217 currency of the floor; OpenRTB default USD."
                },
                {
                  "name": "tagid",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Placement or ad tag id on the publisher side."
                }
              ]
            }
          }
        },
        {
          "name": "site",
          "default": null,
          "doc": "The website, when the ad is shown on a site; at most one of site, app, dooh is set.",
          "type": [
            "null",
            {
              "type": "record",
              "name": "Site",
              "doc": "A website (OpenRTB site).",
              "fields": [
                {
                  "name": "id",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Exchange-specific site id."
                },
                {
                  "name": "domain",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Site domain, e.g. news.example."
                },
                {
                  "name": "page",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "URL of the page; can identify a person through path or query, hence indirect PII.",
                  "pii": "indirect"
                },
                {
                  "name": "cat",
                  "type": {
                    "type": "array",
                    "items": "string"
                  },
                  "default": [],
                  "doc": "IAB content categories of the site."
                },
                {
                  "name": "publisherId",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Exchange-specific publisher id (OpenRTB site.publisher.id)."
                }
              ]
            }
          ]
        },
        {
          "name": "app",
          "default": null,
          "doc": "The application, when the ad is shown in an app.",
          "type": [
            "null",
            {
              "type": "record",
              "name": "App",
              "doc": "A mobile or CTV application (OpenRTB app).",
              "fields": [
                {
                  "name": "id",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Exchange-specific app id."
                },
                {
                  "name": "bundle",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Store bundle or package name, e.g. com.example.game."
                },
                {
                  "name": "domain",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "App domain."
                },
                {
                  "name": "cat",
                  "type": {
                    "type": "array",
                    "items": "string"
                  },
                  "default": [],
                  "doc": "IAB content categories of the app."
                },
                {
                  "name": "publisherId",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Exchange-specific publisher id (OpenRTB app.publisher.id)."
                }
              ]
            }
          ]
        },
        {
          "name": "dooh",
          "default": null,
          "doc": "The digital out-of-home screen, when the ad is shown on one.",
          "type": [
            "null",
            {
              "type": "record",
              "name": "Dooh",
              "doc": "A digital out-of-home placement (OpenRTB 2.6 dooh).",
              "fields": [
                {
                  "name": "id",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Exchange-specific DOOH placement id."
                },
                {
                  "name": "venuetype",
                  "type": {
                    "type": "array",
                    "items": "string"
                  },
                  "default": [],
                  "doc": "Venue types (OpenRTB dooh.venuetype)."
                },
                {
                  "name": "domain",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Domain of the DOOH owner."
                },
                {
                  "name": "publisherId",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Exchange-specific publisher id (OpenRTB dooh.publisher.id)."
                }
              ]
            }
          ]
        },
        {
          "name": "device",
          "default": null,
          "doc": "The device, PII reduced: no device ids, truncated IP, rounded location.",
          "type": [
            "null",
            {
              "type": "record",
              "name": "Device",
              "doc": "A device (OpenRTB device) after PII reduction.",
              "fields": [
                {
                  "name": "ua",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "User agent; with other data it can single a person out.",
                  "pii": "indirect"
                },
                {
                  "name": "ip",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "IP address truncated by ingest: IPv4 to /24, IPv6 to /56 (textual form). Never the full address.",
                  "pii": "indirect"
                },
                {
                  "name": "geo",
                  "default": null,
                  "doc": "Device location, reduced.",
                  "type": [
                    "null",
                    {
                      "type": "record",
                      "name": "Geo",
                      "doc": "A location (OpenRTB geo) reduced by ingest: lat/lon rounded to 2 decimals; city, zip and metro dropped under COPPA.",
                      "fields": [
                        {
                          "name": "lat",
                          "type": [
                            "null",
                            "double"
                          ],
                          "default": null,
                          "doc": "Latitude rounded to 2 decimals (about 1 km).",
                          "pii": "indirect"
                        },
                        {
                          "name": "lon",
                          "type": [
                            "null",
                            "double"
                          ],
                          "default": null,
                          "doc": "Longitude rounded to 2 decimals (about 1 km).",
                          "pii": "indirect"
                        },
                        {
                          "name": "country",
                          "type": [
                            "null",
                            "string"
                          ],
                          "default": null,
                          "doc": "Country, ISO-3166-1 alpha-3 as OpenRTB sends it."
                        },
                        {
                          "name": "region",
                          "type": [
                            "null",
                            "string"
                          ],
                          "default": null,
                          "doc": "Region, ISO-3166-2 subdivision code."
                        },
                        {
                          "name": "city",
                          "type": [
                            "null",
                            "string"
                          ],
                          "default": null,
                          "doc": "City name; dropped under COPPA.",
                          "pii": "indirect"
                        },
                        {
                          "name": "zip",
                          "type": [
                            "null",
                            "string"
                          ],
                          "default": null,
                          "doc": "Postal code; dropped under COPPA.",
                          "pii": "indirect"
                        },
                        {
                          "name": "metro",
                          "type": [
                            "null",
                            "string"
                          ],
                          "default": null,
                          "doc": "Metro (DMA) code; dropped under COPPA.",
                          "pii": "indirect"
                        }
                      ]
                    }
                  ]
                },
                {
                  "name": "os",
                  "type": [
                    "null",
                    "string"
                  ],
                  "default": null,
                  "doc": "Operating system, e.g. iOS, Android."
                },
                {
                  "name": "devicetype",
                  "type": [
                    "null",
                    "int"
                  ],
                  "default": null,
                  "doc": "OpenRTB device type (list 'Device Types'): 1 mobile/tablet, 2 PC, 3 CTV, 4 phone, 5 tablet, 6 connected device, 7 set-top box, 8 OOH device."
                }
              ]
            }
          ]
        },
        {
          "name": "userKey",
          "type": "string",
          "doc": "Pseudonymous user key derived by ingest (keyed HMAC of the user and device ids); the Kafka message key from ingest onward. Raw user ids never travel.",
          "pii": "indirect"
        },
        {
          "name": "regs",
          "doc": "Privacy regulations that apply to the request.",
          "type": {
            "type": "record",
            "name": "Regs",
            "doc": "Privacy signals (OpenRTB 2.6 regs, with the GDPR consent string from user.consent).",
            "fields": [
              {
                "name": "gdpr",
                "type": [
                  "null",
                  "boolean"
                ],
                "default": null,
                "doc": "Whether GDPR applies (regs.gdpr = 1); null when the exchange does not say."
              },
              {
                "name": "consent",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "IAB TCF consent string (OpenRTB user.consent); holds one person's choices.",
                "pii": "indirect"
              },
              {
                "name": "coppa",
                "type": "boolean",
                "default": false,
                "doc": "Whether COPPA applies (regs.coppa = 1): ingest has then also dropped city, zip and metro."
              },
              {
                "name": "us_privacy",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "IAB CCPA US Privacy string."
              },
              {
                "name": "gpp",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "IAB Global Privacy Platform consent string.",
                "pii": "indirect"
              },
              {
                "name": "gpp_sid",
                "type": {
                  "type": "array",
                  "items": "int"
                },
                "default": [],
                "doc": "GPP section ids that apply."
              }
            ]
          }
        },
        {
          "name": "at",
          "type": "int",
          "default": 2,
          "doc": "Auction type: 1 first price, 2 second price plus (OpenRTB default), above 500 exchange-specific."
        },
        {
          "name": "tmax",
          "type": [
            "null",
            "int"
          ],
          "default": null,
          "doc": "Time the exchange allows for the bid, in ms, network included."
        },
        {
          "name": "cur",
          "type": {
            "type": "array",
            "items": "string"
          },
          "default": [],
          "doc": "Currencies allowed for bids (ISO-4217); empty means the exchange default."
        },
        {
          "name": "bcat",
          "type": {
            "type": "array",
            "items": "string"
          },
          "default": [],
          "doc": "Blocked advertiser categories (IAB content taxonomy)."
        },
        {
          "name": "badv",
          "type": {
            "type": "array",
            "items": "string"
          },
          "default": [],
          "doc": "Blocked advertiser domains."
        }
      ]
    },
    currentSchemas.BidRequest,
  ],
  Campaign: [
    currentSchemas.Campaign,
  ],
  CampaignSpend: [
    currentSchemas.CampaignSpend,
  ],
  Impression: [
    {
      "type": "record",
      "name": "Impression",
      "namespace": "dev.adtrace",
      "doc": "A creative served to a user: the billable event that counts impressions, spend and frequency caps (a win alone does not).",
      "fields": [
        {
          "name": "eventId",
          "type": "string",
          "doc": "Event id of the bid request this impression belongs to."
        },
        {
          "name": "requestId",
          "type": "string",
          "doc": "OpenRTB request id."
        },
        {
          "name": "impId",
          "type": "string",
          "doc": "Id of the impression slot within the request."
        },
        {
          "name": "userKey",
          "type": "string",
          "doc": "Pseudonymous user key (the Kafka message key).",
          "pii": "indirect"
        },
        {
          "name": "campaignId",
          "type": "string",
          "doc": "Campaign of the served ad."
        },
        {
          "name": "adId",
          "type": "string",
          "doc": "Served ad."
        },
        {
          "name": "creativeId",
          "type": "string",
          "doc": "Served creative."
        },
        {
          "name": "trackingToken",
          "type": "string",
          "doc": "Signed token carried by the impression and click URLs: event id, campaign, ad, user key, price, trace context. Clicks and conversions present it back.",
          "pii": "indirect"
        },
        {
          "name": "bidType",
          "type": {
            "type": "enum",
            "name": "BidType",
            "namespace": "dev.adtrace",
            "doc": "How an ad is paid for. CPM: the bid is per 1,000 impressions. CPC: the bid is per click, and the auction ranks it as bid x pCTR x 1000 against CPM floors.",
            "symbols": [
              "CPM",
              "CPC"
            ],
            "default": "CPM"
          },
          "doc": "How the campaign pays: CPM impressions are charged here, CPC ones on click."
        },
        {
          "name": "priceMicros",
          "type": "long",
          "doc": "Cost of this one impression in micros (clearing CPM / 1000); 0 for CPC ads, which pay on click."
        },
        {
          "name": "clickPriceMicros",
          "type": "long",
          "default": 0,
          "doc": "What a click on this impression costs in micros for CPC ads; 0 for CPM ads."
        },
        {
          "name": "pctr",
          "type": "double",
          "doc": "Predicted click-through rate at auction time, for calibration (observed vs predicted CTR)."
        },
        {
          "name": "eventTimeMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "When the impression was served, epoch ms (event time)."
        }
      ]
    },
    {
      "type": "record",
      "name": "Impression",
      "namespace": "dev.adtrace",
      "doc": "A creative served to a user: the billable event that counts impressions, spend and frequency caps (a win alone does not).",
      "fields": [
        {
          "name": "eventId",
          "type": "string",
          "doc": "Event id of the bid request this impression belongs to."
        },
        {
          "name": "impressionId",
          "type": "string",
          "default": "",
          "doc": "Id of this impression: derived from the event id and the imp id, so that two winning imps of one request stay two impressions. Empty in records written before it existed (read it as eventId + impId)."
        },
        {
          "name": "requestId",
          "type": "string",
          "doc": "OpenRTB request id."
        },
        {
          "name": "impId",
          "type": "string",
          "doc": "Id of the impression slot within the request."
        },
        {
          "name": "userKey",
          "type": "string",
          "doc": "Pseudonymous user key (the Kafka message key).",
          "pii": "indirect"
        },
        {
          "name": "campaignId",
          "type": "string",
          "doc": "Campaign of the served ad."
        },
        {
          "name": "adId",
          "type": "string",
          "doc": "Served ad."
        },
        {
          "name": "creativeId",
          "type": "string",
          "doc": "Served creative."
        },
        {
          "name": "trackingToken",
          "type": "string",
          "doc": "Signed token carried by the impression and click URLs: event id, campaign, ad, user key, price, trace context. Clicks and conversions present it back.",
          "pii": "indirect"
        },
        {
          "name": "bidType",
          "type": {
            "type": "enum",
            "name": "BidType",
            "namespace": "dev.adtrace",
            "doc": "How an ad is paid for. CPM: the bid is per 1,000 impressions. CPC: the bid is per click, and the auction ranks it as bid x pCTR x 1000 against CPM floors.",
            "symbols": [
              "CPM",
              "CPC"
            ],
            "default": "CPM"
          },
          "doc": "How the campaign pays: CPM impressions are charged here, CPC ones on click."
        },
        {
          "name": "priceMicros",
          "type": "long",
          "doc": "Cost of this one impression in micros (clearing CPM / 1000); 0 for CPC ads, which pay on click."
        },
        {
          "name": "clickPriceMicros",
          "type": "long",
          "default": 0,
          "doc": "What a click on this impression costs in micros for CPC ads; 0 for CPM ads."
        },
        {
          "name": "pctr",
          "type": "double",
          "doc": "Predicted click-through rate at auction time, for calibration (observed vs predicted CTR)."
        },
        {
          "name": "eventTimeMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "When the impression was served, epoch ms (event time)."
        }
      ]
    },
    {
      "type": "record",
      "name": "Impression",
      "namespace": "dev.adtrace",
      "doc": "A creative served to a user: the billable event that counts impressions, spend and frequency caps (a win alone does not).",
      "fields": [
        {
          "name": "eventId",
          "type": "string",
          "doc": "Event id of the bid request this impression belongs to."
        },
        {
          "name": "impressionId",
          "type": "string",
          "default": "",
          "doc": "Id of this impression: derived from the event id and the imp id, so that two winning imps of one request stay two impressions. Empty in records written before it existed (read it as eventId + impId)."
        },
        {
          "name": "requestId",
          "type": "string",
          "doc": "OpenRTB request id."
        },
        {
          "name": "impId",
          "type": "string",
          "doc": "Id of the impression slot within the request."
        },
        {
          "name": "userKey",
          "type": "string",
          "doc": "Pseudonymous user key (the Kafka message key).",
          "pii": "indirect"
        },
        {
          "name": "campaignId",
          "type": "string",
          "doc": "Campaign of the served ad."
        },
        {
          "name": "adId",
          "type": "string",
          "doc": "Served ad."
        },
        {
          "name": "creativeId",
          "type": "string",
          "doc": "Served creative."
        },
        {
          "name": "trackingToken",
          "type": "string",
          "doc": "Signed token carried by the impression and click URLs: event id, campaign, ad, user key, price, trace context. Clicks and conversions present it back.",
          "pii": "indirect"
        },
        {
          "name": "bidType",
          "type": {
            "type": "enum",
            "name": "BidType",
            "namespace": "dev.adtrace",
            "doc": "How an ad is paid for. CPM: the bid is per 1,000 impressions. CPC: the bid is per click, and the auction ranks it as bid x pCTR x 1000 against CPM floors.",
            "symbols": [
              "CPM",
              "CPC"
            ],
            "default": "CPM"
          },
          "doc": "How the campaign pays: CPM impressions are charged here, CPC ones on click."
        },
        {
          "name": "priceMicros",
          "type": "long",
          "doc": "Cost of this one impression in micros (clearing CPM / 1000); 0 for CPC ads, which pay on click."
        },
        {
          "name": "clickPriceMicros",
          "type": "long",
          "default": 0,
          "doc": "What a click on this impression costs in micros for CPC ads; 0 for CPM ads."
        },
        {
          "name": "pctr",
          "type": "double",
          "doc": "Predicted click-through rate at auction time, for calibration (observed vs predicted CTR)."
        },
        {
          "name": "eventTimeMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "When the impression was served, epoch ms (event time)."
        },
        {
          "name": "modelVersion",
          "type": [
            "null",
            "string"
          ],
          "default": null,
          "doc": "Version of the pCTR model that predicted pctr (the auction's modelVersion), for calibration per model version; null when no model ran or in records that predate the field."
        }
      ]
    },
    {
      "type": "record",
      "name": "Impression",
      "namespace": "dev.adtrace",
      "doc": "A creative served to a user: the billable event that counts impressions, spend and frequency caps (a win alone does not).",
      "fields": [
        {
          "name": "eventId",
          "type": "string",
          "doc": "Event id of the bid request this impression belongs to."
        },
        {
          "name": "impressionId",
          "type": "string",
          "default": "",
          "doc": "Id of this impression: derived from the event id and the imp id, so that two winning imps of one request stay two impressions. Empty in records written before it existed (read it as eventId + impId)."
        },
        {
          "name": "requestId",
          "type": "string",
          "doc": "OpenRTB request id."
        },
        {
          "name": "impId",
          "type": "string",
          "doc": "Id of the impression slot within the request."
        },
        {
          "name": "userKey",
          "type": "string",
          "doc": "Pseudonymous user key (the Kafka message key).",
          "pii": "indirect"
        },
        {
          "name": "campaignId",
          "type": "string",
          "doc": "Campaign of the served ad."
        },
        {
          "name": "adId",
          "type": "string",
          "doc": "Served ad."
        },
        {
          "name": "creativeId",
          "type": "string",
          "doc": "Served creative."
        },
        {
          "name": "trackingToken",
          "type": "string",
          "doc": "Signed token carried by the impression and click URLs: event id, campaign, ad, user key, price, trace context. Clicks and conversions present it back.",
          "pii": "indirect"
        },
        {
          "name": "bidType",
          "type": {
            "type": "enum",
            "name": "BidType",
            "namespace": "dev.adtrace",
            "doc": "How an ad is paid for. CPM: the bid is per 1,000 impressions. CPC: the bid is per click, and the auction ranks it as bid x pCTR x 1000 against CPM floors.",
            "symbols": [
              "CPM",
              "CPC"
            ],
            "default": "CPM"
          },
          "doc": "How the campaign pays: CPM impressions are charged here, CPC ones on click."
        },
        {
          "name": "priceMicros",
          "type": "long",
          "doc": "Cost of this one impression in micros (clearing CPM / 1000); 0 for CPC ads, which pay on click."
        },
        {
          "name": "clickPriceMicros",
          "type": "long",
          "default": 0,
          "doc": "What a click on this impression costs in micros for CPC ads; 0 for CPM ads."
        },
        {
          "name": "pctr",
          "type": "double",
          "doc": "Predicted click-through rate at auction time, for calibration (observed vs predicted CTR)."
        },
        {
          "name": "eventTimeMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "When the impression was served, epoch ms (event time)."
        },
        {
          "name": "modelVersion",
          "type": [
            "null",
            "string"
          ],
          "default": null,
          "doc": "Version of the pCTR model that predicted pctr (the auction's modelVersion), for calibration per model version; null when no model ran or in records that predate the field."
        },
        {
          "name": "test",
          "type": "boolean",
          "default": false,
          "doc": "Served for a test request (OpenRTB test = 1): tracked and traced, never counted as spend or in ROAS. False in records written before it was added."
        }
      ]
    },
    currentSchemas.Impression,
  ],
  ProfiledRequest: [
    {
      "type": "record",
      "name": "ProfiledRequest",
      "namespace": "dev.adtrace",
      "doc": "A bid request with the profile of its user, produced by profiling for the auction.",
      "fields": [
        {
          "name": "request",
          "type": {
            "type": "record",
            "name": "BidRequest",
            "namespace": "dev.adtrace",
            "doc": "A normalized OpenRTB 2.6 bid request (the subset the pipeline uses), after ingest: keyed by the pseudonymous user key, PII reduced the way Prebid Server does it, raw user and device ids dropped.",
            "fields": [
              {
                "name": "eventId",
                "type": "string",
                "doc": "Pipeline event id assigned by ingest (unique per accepted request); every span and downstream record of this ad event carries it."
              },
              {
                "name": "receivedAtMs",
                "type": {
                  "type": "long",
                  "logicalType": "timestamp-millis"
                },
                "doc": "When ingest received the request, epoch ms."
              },
              {
                "name": "id",
                "type": "string",
                "doc": "OpenRTB request id chosen by the exchange; ingest de-duplicates on it."
              },
              {
                "name": "imp",
                "doc": "Impressions offered, at least one, ids unique within the request.",
                "type": {
                  "type": "array",
                  "items": {
                    "type": "record",
                    "name": "Imp",
                    "doc": "One impression opportunity (OpenRTB imp).",
                    "fields": [
                      {
                        "name": "id",
                        "type": "string",
                        "doc": "Impression id, unique within the request."
                      },
                      {
                        "name": "banner",
                        "default": null,
                        "doc": "Banner placement, when the impression accepts banners.",
                        "type": [
                          "null",
                          {
                            "type": "record",
                            "name": "Banner",
                            "doc": "A banner placement (OpenRTB imp.banner).",
                            "fields": [
                              {
                                "name": "format",
                                "default": [],
                                "doc": "Accepted sizes, preferred first; from banner.format, or banner.w/h when format is absent.",
                                "type": {
                                  "type": "array",
                                  "items": {
                                    "type": "record",
                                    "name": "Format",
                                    "doc": "One accepted banner size in device-independent pixels.",
                                    "fields": [
                                      {
                                        "name": "w",
                                        "type": "int",
                                        "doc": "Width in device-independent pixels."
                                      },
                                      {
                                        "name": "h",
                                        "type": "int",
                                        "doc": "Height in device-independent pixels."
                                      }
                                    ]
                                  }
                                }
                              },
                              {
                                "name": "pos",
                                "type": [
                                  "null",
                                  "int"
                                ],
                                "default": null,
                                "doc": "Ad position on screen (OpenRTB list 'Placement Positions'), when given."
                              }
                            ]
                          }
                        ]
                      },
                      {
                        "name": "video",
                        "default": null,
                        "doc": "Video placement, when the impression accepts video.",
                        "type": [
                          "null",
                          {
                            "type": "record",
                            "name": "Video",
                            "doc": "A video placement (OpenRTB imp.video).",
                            "fields": [
                              {
                                "name": "mimes",
                                "type": {
                                  "type": "array",
                                  "items": "string"
                                },
                                "default": [],
                                "doc": "Accepted content MIME types."
                              },
                              {
                                "name": "minduration",
                                "type": [
                                  "null",
                                  "int"
                                ],
                                "default": null,
                                "doc": "Minimum ad duration in seconds."
                              },
                              {
                                "name": "maxduration",
                                "type": [
                                  "null",
                                  "int"
                                ],
                                "default": null,
                                "doc": "Maximum ad duration in seconds."
                              },
                              {
                                "name": "w",
                                "type": [
                                  "null",
                                  "int"
                                ],
                                "default": null,
                                "doc": "Player width in device-independent pixels."
                              },
                              {
                                "name": "h",
                                "type": [
                                  "null",
                                  "int"
                                ],
                                "default": null,
                                "doc": "Player height in device-independent pixels."
                              },
                              {
                                "name": "protocols",
                                "type": {
                                  "type": "array",
                                  "items": "int"
                                },
                                "default": [],
                                "doc": "Supported video protocols (OpenRTB list 'Creative Subtypes - Audio/Video')."
                              },
                              {
                                "name": "plcmt",
                                "type": [
                                  "null",
                                  "int"
                                ],
                                "default": null,
                                "doc": "Video placement subtype (OpenRTB 2.6 plcmt)."
                              }
                            ]
                          }
                        ]
                      },
                      {
                        "name": "bidfloorMicros",
                        "type": "long",
                        "default": 0,
                        "doc": "Minimum bid as a CPM in micros of bidfloorcur (OpenRTB bidfloor x 1e6); 0 when absent."
                      },
                      {
                        "name": "bidfloorcur",
                        "type": "string",
                        "default": "USD",
                        "doc": "ISO-4217 currency of the floor; OpenRTB default USD."
                      },
                      {
                        "name": "tagid",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Placement or ad tag id on the publisher side."
                      }
                    ]
                  }
                }
              },
              {
                "name": "site",
                "default": null,
                "doc": "The website, when the ad is shown on a site; at most one of site, app, dooh is set.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "Site",
                    "doc": "A website (OpenRTB site).",
                    "fields": [
                      {
                        "name": "id",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Exchange-specific site id."
                      },
                      {
                        "name": "domain",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Site domain, e.g. news.example."
                      },
                      {
                        "name": "page",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "URL of the page; can identify a person through path or query, hence indirect PII.",
                        "pii": "indirect"
                      },
                      {
                        "name": "cat",
                        "type": {
                          "type": "array",
                          "items": "string"
                        },
                        "default": [],
                        "doc": "IAB content categories of the site."
                      },
                      {
                        "name": "publisherId",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Exchange-specific publisher id (OpenRTB site.publisher.id)."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "app",
                "default": null,
                "doc": "The application, when the ad is shown in an app.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "App",
                    "doc": "A mobile or CTV application (OpenRTB app).",
                    "fields": [
                      {
                        "name": "id",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Exchange-specific app id."
                      },
                      {
                        "name": "bundle",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Store bundle or package name, e.g. com.example.game."
                      },
                      {
                        "name": "domain",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "App domain."
                      },
                      {
                        "name": "cat",
                        "type": {
                          "type": "array",
                          "items": "string"
                        },
                        "default": [],
                        "doc": "IAB content categories of the app."
                      },
                      {
                        "name": "publisherId",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Exchange-specific publisher id (OpenRTB app.publisher.id)."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "dooh",
                "default": null,
                "doc": "The digital out-of-home screen, when the ad is shown on one.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "Dooh",
                    "doc": "A digital out-of-home placement (OpenRTB 2.6 dooh).",
                    "fields": [
                      {
                        "name": "id",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Exchange-specific DOOH placement id."
                      },
                      {
                        "name": "venuetype",
                        "type": {
                          "type": "array",
                          "items": "string"
                        },
                        "default": [],
                        "doc": "Venue types (OpenRTB dooh.venuetype)."
                      },
                      {
                        "name": "domain",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Domain of the DOOH owner."
                      },
                      {
                        "name": "publisherId",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Exchange-specific publisher id (OpenRTB dooh.publisher.id)."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "device",
                "default": null,
                "doc": "The device, PII reduced: no device ids, truncated IP, rounded location.",
                "type": [
                  "null",
                  {
                    "type": "record",
                    "name": "Device",
                    "doc": "A device (OpenRTB device) after PII reduction.",
                    "fields": [
                      {
                        "name": "ua",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "User agent; with other data it can single a person out.",
                        "pii": "indirect"
                      },
                      {
                        "name": "ip",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "IP address truncated by ingest: IPv4 to /24, IPv6 to /56 (textual form). Never the full address.",
                        "pii": "indirect"
                      },
                      {
                        "name": "geo",
                        "default": null,
                        "doc": "Device location, reduced.",
                        "type": [
                          "null",
                          {
                            "type": "record",
                            "name": "Geo",
                            "doc": "A location (OpenRTB geo) reduced by ingest: lat/lon rounded to 2 decimals; city, zip and metro dropped under COPPA.",
                            "fields": [
                              {
                                "name": "lat",
                                "type": [
                                  "null",
                                  "double"
                                ],
                                "default": null,
                                "doc": "Latitude rounded to 2 decimals (about 1 km).",
                                "pii": "indirect"
                              },
                              {
                                "name": "lon",
                                "type": [
                                  "null",
                                  "double"
                                ],
                                "default": null,
                                "doc": "Longitude rounded to 2 decimals (about 1 km).",
                                "pii": "indirect"
                              },
                              {
                                "name": "country",
                                "type": [
                                  "null",
                                  "string"
                                ],
                                "default": null,
                                "doc": "Country, ISO-3166-1 alpha-3 as OpenRTB sends it."
                              },
                              {
                                "name": "region",
                                "type": [
                                  "null",
                                  "string"
                                ],
                                "default": null,
                                "doc": "Region, ISO-3166-2 subdivision code."
                              },
                              {
                                "name": "city",
                                "type": [
                                  "null",
                                  "string"
                                ],
                                "default": null,
                                "doc": "City name; dropped under COPPA.",
                                "pii": "indirect"
                              },
                              {
                                "name": "zip",
                                "type": [
                                  "null",
                                  "string"
                                ],
                                "default": null,
                                "doc": "Postal code; dropped under COPPA.",
                                "pii": "indirect"
                              },
                              {
                                "name": "metro",
                                "type": [
                                  "null",
                                  "string"
                                ],
                                "default": null,
                                "doc": "Metro (DMA) code; dropped under COPPA.",
                                "pii": "indirect"
                              }
                            ]
                          }
                        ]
                      },
                      {
                        "name": "os",
                        "type": [
                          "null",
                          "string"
                        ],
                        "default": null,
                        "doc": "Operating system, e.g. iOS, Android."
                      },
                      {
                        "name": "devicetype",
                        "type": [
                          "null",
                          "int"
                        ],
                        "default": null,
                        "doc": "OpenRTB device type (list 'Device Types'): 1 mobile/tablet, 2 PC, 3 CTV, 4 phone, 5 tablet, 6 connected device, 7 set-top box, 8 OOH device."
                      }
                    ]
                  }
                ]
              },
              {
                "name": "userKey",
                "type": "string",
                "doc": "Pseudonymous user key derived by ingest (keyed HMAC of the user and device ids); the Kafka message key from ingest onward. Raw user ids never travel.",
                "pii": "indirect"
              },
              {
                "name": "regs",
                "doc": "Privacy regulations that apply to the request.",
                "type": {
                  "type": "record",
                  "name": "Regs",
                  "doc": "Privacy signals (OpenRTB 2.6 regs, with the GDPR consent string from user.consent).",
                  "fields": [
                    {
                      "name": "gdpr",
                      "type": [
                        "null",
                        "boolean"
                      ],
                      "default": null,
                      "doc": "Whether GDPR applies (regs.gdpr = 1); null when the exchange does not say."
                    },
                    {
                      "name": "consent",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "IAB TCF consent string (OpenRTB user.consent); holds one person's choices.",
                      "pii": "indirect"
                    },
                    {
                      "name": "coppa",
                      "type": "boolean",
                      "default": false,
                      "doc": "Whether COPPA applies (regs.coppa = 1): ingest has then also dropped city, zip and metro."
                    },
                    {
                      "name": "us_privacy",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "IAB CCPA US Privacy string."
                    },
                    {
                      "name": "gpp",
                      "type": [
                        "null",
                        "string"
                      ],
                      "default": null,
                      "doc": "IAB Global Privacy Platform consent string.",
                      "pii": "indirect"
                    },
                    {
                      "name": "gpp_sid",
                      "type": {
                        "type": "array",
                        "items": "int"
                      },
                      "default": [],
                      "doc": "GPP section ids that apply."
                    }
                  ]
                }
              },
              {
                "name": "at",
                "type": "int",
                "default": 2,
                "doc": "Auction type: 1 first price, 2 second price plus (OpenRTB default), above 500 exchange-specific."
              },
              {
                "name": "tmax",
                "type": [
                  "null",
                  "int"
                ],
                "default": null,
                "doc": "Time the exchange allows for the bid, in ms, network included."
              },
              {
                "name": "cur",
                "type": {
                  "type": "array",
                  "items": "string"
                },
                "default": [],
                "doc": "Currencies allowed for bids (ISO-4217); empty means the exchange default."
              },
              {
                "name": "bcat",
                "type": {
                  "type": "array",
                  "items": "string"
                },
                "default": [],
                "doc": "Blocked advertiser categories (IAB content taxonomy)."
              },
              {
                "name": "badv",
                "type": {
                  "type": "array",
                  "items": "string"
                },
                "default": [],
                "doc": "Blocked advertiser domains."
              }
            ]
          },
          "doc": "The normalized request as ingest produced it; request.eventId is this event's id."
        },
        {
          "name": "profile",
          "doc": "What profiling knows about the user of the request.",
          "type": {
            "type": "record",
            "name": "UserProfile",
            "doc": "A user profile built by ads.build_user_profile from segments, interests and history.",
            "fields": [
              {
                "name": "segments",
                "type": {
                  "type": "array",
                  "items": "string"
                },
                "default": [],
                "doc": "Audience segment ids the user belongs to (from the compacted segments topic).",
                "pii": "indirect"
              },
              {
                "name": "interests",
                "type": {
                  "type": "array",
                  "items": "string"
                },
                "default": [],
                "doc": "Inferred interest categories (IAB audience taxonomy ids).",
                "pii": "indirect"
              },
              {
                "name": "ageBracket",
                "type": {
                  "type": "enum",
                  "name": "AgeBracket",
                  "namespace": "dev.adtrace",
                  "doc": "Inferred age bracket of a user. Never a birth year: the bracket is as fine as targeting needs and no finer. UNKNOWN is the default for readers that meet a newer symbol.",
                  "symbols": [
                    "UNKNOWN",
                    "AGE_13_17",
                    "AGE_18_24",
                    "AGE_25_34",
                    "AGE_35_44",
                    "AGE_45_54",
                    "AGE_55_64",
                    "AGE_65_PLUS"
                  ],
                  "default": "UNKNOWN"
                },
                "default": "UNKNOWN",
                "doc": "Inferred age bracket.",
                "pii": "indirect"
              },
              {
                "name": "geoRegion",
                "type": [
                  "null",
                  "string"
                ],
                "default": null,
                "doc": "Coarse region used for targeting (country-region, e.g. USA-CA), derived from device.geo."
              },
              {
                "name": "embedding",
                "type": {
                  "type": "array",
                  "items": "float"
                },
                "default": [],
                "doc": "Interest embedding of the user, compared with ad embeddings by nearest-neighbour search; empty for an unknown user.",
                "pii": "indirect"
              },
              {
                "name": "cacheHit",
                "type": "boolean",
                "default": false,
                "doc": "Whether the profile came from the partition-local profile cache rather than being built."
              }
            ]
          }
        },
        {
          "name": "profiledAtMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "When profiling finished, epoch ms."
        }
      ]
    },
    currentSchemas.ProfiledRequest,
  ],
  RawBidRequest: [
    currentSchemas.RawBidRequest,
  ],
  RoasWindow: [
    {
      "type": "record",
      "name": "RoasWindow",
      "namespace": "dev.adtrace",
      "doc": "Totals of one campaign over one event-time tumbling window. Restatable: a later revision of the same (campaignId, windowStartMs) replaces earlier ones.",
      "fields": [
        {
          "name": "campaignId",
          "type": "string",
          "doc": "Campaign (the Kafka message key)."
        },
        {
          "name": "windowStartMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "Window start, inclusive, epoch ms."
        },
        {
          "name": "windowEndMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "Window end, exclusive, epoch ms."
        },
        {
          "name": "impressions",
          "type": "long",
          "doc": "Impressions in the window."
        },
        {
          "name": "clicks",
          "type": "long",
          "doc": "Clicks in the window."
        },
        {
          "name": "conversions",
          "type": "long",
          "doc": "Attributed conversions in the window."
        },
        {
          "name": "spendMicros",
          "type": "long",
          "doc": "Spend in micros."
        },
        {
          "name": "revenueMicros",
          "type": "long",
          "doc": "Attributed conversion value in micros."
        },
        {
          "name": "roas",
          "type": [
            "null",
            "double"
          ],
          "default": null,
          "doc": "Revenue / spend; null while spend is 0."
        },
        {
          "name": "observedCtr",
          "type": [
            "null",
            "double"
          ],
          "default": null,
          "doc": "Clicks / impressions; null without impressions."
        },
        {
          "name": "predictedCtr",
          "type": [
            "null",
            "double"
          ],
          "default": null,
          "doc": "Mean pCTR over the window's impressions; null without impressions. Calibration = predictedCtr / observedCtr (1.0 is perfect)."
        },
        {
          "name": "completeThroughMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "Watermark when emitted: the numbers include every event with event time before this, epoch ms."
        },
        {
          "name": "final",
          "type": "boolean",
          "default": false,
          "doc": "True once the watermark passed window end plus allowed lateness: no more restatements, except from replays."
        },
        {
          "name": "revision",
          "type": "int",
          "default": 0,
          "doc": "0 for the first emission of the window, then +1 per restatement."
        },
        {
          "name": "emittedAtMs",
          "type": {
            "type": "long",
            "logicalType": "timestamp-millis"
          },
          "doc": "When aggregation emitted this revision, epoch ms."
        }
      ]
    },
    currentSchemas.RoasWindow,
  ],
  UserEvent: [
    currentSchemas.UserEvent,
  ],
  UserSegments: [
    currentSchemas.UserSegments,
  ],
};
